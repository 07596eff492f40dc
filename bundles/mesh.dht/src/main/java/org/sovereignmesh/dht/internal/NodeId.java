package org.sovereignmesh.dht.internal;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

import org.sovereignmesh.api.PeerId;

/**
 * A 256-bit Kademlia id. A node's id is the SHA-256 of its Ed25519 public key (so nobody chooses where it sits);
 * a key's id is the key itself. Kept as four longs: small, and XOR distance needs no allocation. Immutable.
 */
public final class NodeId {
    public static final int BITS = 256;
    public static final int BYTES = 32;
    private final long w0;
    private final long w1;
    private final long w2;
    private final long w3;

    private NodeId(long w0, long w1, long w2, long w3) {
        this.w0 = w0;
        this.w1 = w1;
        this.w2 = w2;
        this.w3 = w3;
    }

    /** @param bytes exactly 32 bytes */
    public static NodeId of(byte[] bytes) {
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException("an id is " + BYTES + " bytes, got " + bytes.length);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        return new NodeId(b.getLong(), b.getLong(), b.getLong(), b.getLong());
    }

    /** @return SHA-256 of the peer's Ed25519 public key */
    public static NodeId ofPeer(PeerId peer) {
        return ofPublicKey(peer.publicKey());
    }

    static NodeId ofPublicKey(byte[] publicKey) {
        return of(sha256(publicKey));
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    public static NodeId random(RandomGenerator random) {
        return new NodeId(random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong());
    }

    public byte[] toBytes() {
        return ByteBuffer.allocate(BYTES).putLong(w0).putLong(w1).putLong(w2).putLong(w3).array();
    }

    /** @return how many leading bits this id shares with {@code other} (256 if equal): the bucket index */
    public int sharedPrefixBits(NodeId other) {
        long x = w0 ^ other.w0;
        if (x != 0) {
            return Long.numberOfLeadingZeros(x);
        }
        x = w1 ^ other.w1;
        if (x != 0) {
            return 64 + Long.numberOfLeadingZeros(x);
        }
        x = w2 ^ other.w2;
        if (x != 0) {
            return 128 + Long.numberOfLeadingZeros(x);
        }
        x = w3 ^ other.w3;
        return x != 0 ? 192 + Long.numberOfLeadingZeros(x) : 256;
    }

    /** @return negative if {@code a} is closer to this id than {@code b} (XOR metric), 0 if equally close */
    public int compareDistance(NodeId a, NodeId b) {
        int c = Long.compareUnsigned(a.w0 ^ w0, b.w0 ^ w0);
        if (c != 0) {
            return c;
        }
        c = Long.compareUnsigned(a.w1 ^ w1, b.w1 ^ w1);
        if (c != 0) {
            return c;
        }
        c = Long.compareUnsigned(a.w2 ^ w2, b.w2 ^ w2);
        return c != 0 ? c : Long.compareUnsigned(a.w3 ^ w3, b.w3 ^ w3);
    }

    /** @return a random id sharing exactly {@code prefixBits} leading bits with this one (for bucket refresh) */
    public NodeId randomWithSharedPrefix(int prefixBits, RandomGenerator random) {
        if (prefixBits < 0 || prefixBits >= BITS) {
            throw new IllegalArgumentException("prefix of " + prefixBits + " bits");
        }
        long[] mine = {w0, w1, w2, w3};
        long[] out = {random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong()};
        for (int bit = 0; bit <= prefixBits; bit++) {
            int word = bit / 64;
            long mask = 1L << (63 - bit % 64);
            boolean set = (mine[word] & mask) != 0;
            if (bit == prefixBits) {
                set = !set; // first differing bit
            }
            out[word] = set ? out[word] | mask : out[word] & ~mask;
        }
        return new NodeId(out[0], out[1], out[2], out[3]);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NodeId)) {
            return false;
        }
        NodeId n = (NodeId) o;
        return w0 == n.w0 && w1 == n.w1 && w2 == n.w2 && w3 == n.w3;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(w0 ^ w3);
    }

    public String toHex() {
        return HexFormat.of().formatHex(toBytes());
    }

    @Override
    public String toString() {
        return toHex().substring(0, 12) + "…";
    }
}
