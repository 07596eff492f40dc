package org.sovereignmesh.dht.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.dht.Dht;
import org.sovereignmesh.dht.DhtRecord;

/**
 * A record as it travels and is stored: key, publisher, sequence, expiry and value, with the publisher's Ed25519
 * signature over all of them. Immutable.
 *
 * <pre>
 * record = version (1) = 1 | key (32) | publisher key (32) | sequence (8) | expires (8, ms since epoch)
 *        | value length (2) | value | signature (64)
 * signed = "sovereign-mesh dht record v1" | key | publisher key | sequence | expires | value length | value
 * </pre>
 */
public final class SignedRecord {
    static final int VERSION = 1;
    static final int FIXED_SIZE = 1 + 32 + 32 + 8 + 8 + 2 + Signatures.SIGNATURE_LENGTH;
    private static final byte[] CONTEXT = "sovereign-mesh dht record v1".getBytes(StandardCharsets.US_ASCII);

    private final byte[] key;
    private final PeerId publisher;
    private final long sequence;
    private final long expiresAtMillis;
    private final byte[] value;
    private final byte[] signature;

    SignedRecord(byte[] key, PeerId publisher, long sequence, long expiresAtMillis, byte[] value, byte[] signature) {
        this.key = key;
        this.publisher = publisher;
        this.sequence = sequence;
        this.expiresAtMillis = expiresAtMillis;
        this.value = value;
        this.signature = signature;
    }

    /** Signs a new record as {@code publisher}. */
    public static SignedRecord sign(byte[] key, byte[] value, long sequence, long expiresAtMillis, PeerId publisher,
            Signatures signatures) {
        if (key.length != Dht.KEY_LENGTH) {
            throw new IllegalArgumentException("a DHT key is " + Dht.KEY_LENGTH + " bytes, got " + key.length);
        }
        if (value.length > Dht.MAX_VALUE_SIZE) {
            throw new IllegalArgumentException("value of " + value.length + " bytes exceeds the maximum of "
                    + Dht.MAX_VALUE_SIZE);
        }
        byte[] k = key.clone();
        byte[] v = value.clone();
        byte[] signature = signatures.sign(signedBytes(k, publisher, sequence, expiresAtMillis, v));
        return new SignedRecord(k, publisher, sequence, expiresAtMillis, v, signature);
    }

    static byte[] signedBytes(byte[] key, PeerId publisher, long sequence, long expiresAtMillis, byte[] value) {
        return ByteBuffer.allocate(CONTEXT.length + 32 + 32 + 8 + 8 + 2 + value.length).put(CONTEXT).put(key)
                .put(publisher.publicKey()).putLong(sequence).putLong(expiresAtMillis).putShort((short) value.length)
                .put(value).array();
    }

    /** @return whether the publisher's signature covers exactly this content */
    public boolean verify(Signatures signatures) {
        return signatures.verify(publisher, signedBytes(key, publisher, sequence, expiresAtMillis, value), signature);
    }

    void encode(ByteBuffer out) {
        out.put((byte) VERSION).put(key).put(publisher.publicKey()).putLong(sequence).putLong(expiresAtMillis)
                .putShort((short) value.length).put(value).put(signature);
    }

    public byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(encodedSize());
        encode(out);
        return out.array();
    }

    int encodedSize() {
        return FIXED_SIZE + value.length;
    }

    /** Decodes one record from the reader; the signature is not checked here. */
    static SignedRecord decode(MessageReader in) throws MalformedMessageException {
        int version = in.u8("record version");
        if (version != VERSION) {
            throw new MalformedMessageException("unknown record version " + version);
        }
        byte[] key = in.bytes(32, "record key");
        PeerId publisher = PeerId.fromPublicKey(in.bytes(32, "record publisher"));
        long sequence = in.i64("record sequence");
        long expires = in.i64("record expiry");
        int length = in.u16("record value length");
        if (length > Dht.MAX_VALUE_SIZE) {
            throw new MalformedMessageException("record value of " + length + " bytes exceeds " + Dht.MAX_VALUE_SIZE);
        }
        byte[] value = in.bytes(length, "record value");
        byte[] signature = in.bytes(Signatures.SIGNATURE_LENGTH, "record signature");
        return new SignedRecord(key, publisher, sequence, expires, value, signature);
    }

    /** @return the record decoded from exactly {@code bytes} */
    public static SignedRecord decode(byte[] bytes) throws MalformedMessageException {
        MessageReader in = new MessageReader(bytes);
        SignedRecord record = decode(in);
        in.requireEnd();
        return record;
    }

    public byte[] key() {
        return key.clone();
    }

    NodeId keyId() {
        return NodeId.of(key);
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

    public byte[] value() {
        return value.clone();
    }

    int valueLength() {
        return value.length;
    }

    /** Same publisher, key, sequence and expiry: a copy of the same record. */
    boolean sameVersionAs(SignedRecord other) {
        return sequence == other.sequence && expiresAtMillis == other.expiresAtMillis && Arrays.equals(key, other.key)
                && publisher.equals(other.publisher);
    }

    public DhtRecord toApi() {
        return new DhtRecord(key, publisher, sequence, expiresAtMillis, value);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SignedRecord)) {
            return false;
        }
        SignedRecord r = (SignedRecord) o;
        return sameVersionAs(r) && Arrays.equals(value, r.value) && Arrays.equals(signature, r.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(publisher, sequence) * 31 + Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "SignedRecord[" + NodeId.of(key) + " by " + publisher.shortName() + " seq " + sequence + "]";
    }
}
