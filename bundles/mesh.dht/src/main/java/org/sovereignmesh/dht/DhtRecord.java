package org.sovereignmesh.dht;

import java.util.Arrays;
import java.util.Objects;

import org.sovereignmesh.api.PeerId;

/** A verified record found in the DHT. Immutable. */
public final class DhtRecord {
    private final byte[] key;
    private final PeerId publisher;
    private final long sequence;
    private final long expiresAtMillis;
    private final byte[] value;

    public DhtRecord(byte[] key, PeerId publisher, long sequence, long expiresAtMillis, byte[] value) {
        this.key = Objects.requireNonNull(key, "key").clone();
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.sequence = sequence;
        this.expiresAtMillis = expiresAtMillis;
        this.value = Objects.requireNonNull(value, "value").clone();
    }

    public byte[] key() {
        return key.clone();
    }

    /** @return who signed the record */
    public PeerId publisher() {
        return publisher;
    }

    public long sequence() {
        return sequence;
    }

    public long expiresAtMillis() {
        return expiresAtMillis;
    }

    public byte[] value() {
        return value.clone();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DhtRecord)) {
            return false;
        }
        DhtRecord r = (DhtRecord) o;
        return Arrays.equals(key, r.key) && publisher.equals(r.publisher) && sequence == r.sequence
                && expiresAtMillis == r.expiresAtMillis && Arrays.equals(value, r.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key) * 31 + publisher.hashCode();
    }

    @Override
    public String toString() {
        return "DhtRecord[by " + publisher.shortName() + ", seq " + sequence + ", " + value.length + " bytes]";
    }
}
