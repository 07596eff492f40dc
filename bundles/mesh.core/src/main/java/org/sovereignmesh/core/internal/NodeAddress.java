package org.sovereignmesh.core.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import org.sovereignmesh.api.PeerId;

/**
 * The routing address of a node: the first 64 bits of SHA-256 of its Ed25519 key, which are also the top bits of its
 * 256-bit DHT id. Eight bytes keep headers small on 255-byte radio frames; collisions are negligible at mesh scale
 * (about 3 in 10^8 for a million nodes) and harmless (the end-to-end seal names the real recipient).
 */
final class NodeAddress {
    static final int SIZE = 8;

    private NodeAddress() {
    }

    static long of(PeerId peer) {
        byte[] hash;
        try {
            hash = MessageDigest.getInstance("SHA-256").digest(peer.publicKey());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        long address = 0;
        for (int i = 0; i < SIZE; i++) {
            address = (address << 8) | (hash[i] & 0xff);
        }
        return address;
    }

    /** @return the XOR distance, compared as an unsigned number */
    static long distance(long a, long b) {
        return a ^ b;
    }

    /** @return whether {@code candidate} is strictly closer (XOR, unsigned) to {@code target} than {@code reference} */
    static boolean closer(long candidate, long reference, long target) {
        return Long.compareUnsigned(distance(candidate, target), distance(reference, target)) < 0;
    }

    static String hex(long address) {
        return String.format("%016x", address);
    }
}
