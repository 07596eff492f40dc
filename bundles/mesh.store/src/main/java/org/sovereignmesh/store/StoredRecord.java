package org.sovereignmesh.store;

import java.util.Arrays;
import java.util.Objects;

import org.sovereignmesh.api.PeerId;

/**
 * A DHT record as the store keeps it: who published it under which key, until when, and the record's signed bytes
 * (opaque to the store). Immutable.
 */
public final class StoredRecord {
    private final byte[] key;
    private final PeerId publisher;
    private final long sequence;
    private final long expiresAtMillis;
    private final boolean original;
    private final byte[] content;

    /**
     * @param key       the DHT key (at most 64 bytes)
     * @param sequence  the publisher's sequence number; a higher one replaces a lower one
     * @param original  whether this node published the record itself (it republishes its originals)
     * @param content   the encoded, signed record
     */
    public StoredRecord(byte[] key, PeerId publisher, long sequence, long expiresAtMillis, boolean original,
            byte[] content) {
        this.key = Objects.requireNonNull(key, "key").clone();
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.sequence = sequence;
        this.expiresAtMillis = expiresAtMillis;
        this.original = original;
        this.content = Objects.requireNonNull(content, "content").clone();
    }

    public byte[] key() {
        return key.clone();
    }

    public PeerId publisher() {
        return publisher;
    }

    public long sequence() {
        return sequence;
    }

    public long expiresAtMillis() {
        return expiresAtMillis;
    }

    /** @return whether this node is the publisher and republishes the record */
    public boolean original() {
        return original;
    }

    /** @return a copy of the encoded record */
    public byte[] content() {
        return content.clone();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof StoredRecord)) {
            return false;
        }
        StoredRecord r = (StoredRecord) o;
        return Arrays.equals(key, r.key) && publisher.equals(r.publisher) && sequence == r.sequence
                && expiresAtMillis == r.expiresAtMillis && original == r.original && Arrays.equals(content, r.content);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key) * 31 + publisher.hashCode();
    }

    @Override
    public String toString() {
        return "StoredRecord[publisher " + publisher.shortName() + ", seq " + sequence + ", " + content.length
                + " bytes]";
    }
}
