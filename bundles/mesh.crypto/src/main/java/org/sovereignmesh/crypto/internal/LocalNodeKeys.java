package org.sovereignmesh.crypto.internal;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.crypto.CryptoException;
import org.sovereignmesh.crypto.NodeKeys;

/** Keys held in memory, all derived from one 32-byte Ed25519 seed. */
public final class LocalNodeKeys implements NodeKeys {
    static final int SEED_SIZE = 32;
    private static final byte[] DERIVE_SALT = "sovereign-mesh v1 derived secret".getBytes(StandardCharsets.US_ASCII);

    private final byte[] seed;
    private final byte[] ed25519Public;
    private final PeerId peerId;
    private final byte[] x25519Private;
    private final byte[] x25519Public;

    private LocalNodeKeys(byte[] seed) {
        if (seed.length != SEED_SIZE) {
            throw new IllegalArgumentException("an Ed25519 seed is " + SEED_SIZE + " bytes");
        }
        this.seed = seed.clone();
        this.ed25519Public = Curves.ed25519PublicKey(this.seed);
        this.peerId = PeerId.fromPublicKey(ed25519Public);
        this.x25519Private = Curves.x25519PrivateFromEd25519(this.seed);
        this.x25519Public = Curves.x25519PublicKey(x25519Private);
    }

    /** @return keys from a stored seed (copied) */
    public static LocalNodeKeys fromSeed(byte[] seed) {
        return new LocalNodeKeys(seed);
    }

    /** @return fresh keys from the system's strong random source */
    public static LocalNodeKeys generate() {
        byte[] seed = new byte[SEED_SIZE];
        new SecureRandom().nextBytes(seed);
        try {
            return new LocalNodeKeys(seed);
        } finally {
            java.util.Arrays.fill(seed, (byte) 0);
        }
    }

    /** @return a copy of the seed, for the key store only */
    byte[] seed() {
        return seed.clone();
    }

    @Override
    public PeerId peerId() {
        return peerId;
    }

    @Override
    public byte[] sign(byte[] message) {
        return Curves.sign(seed, ed25519Public, message);
    }

    @Override
    public byte[] keyAgreementPublicKey() {
        return x25519Public.clone();
    }

    @Override
    public byte[] keyAgreement(byte[] remotePublicKey) throws CryptoException {
        return Curves.x25519(x25519Private, remotePublicKey);
    }

    @Override
    public byte[] deriveSecret(String purpose, int length) {
        return Hashes.hkdf(DERIVE_SALT, seed, purpose.getBytes(StandardCharsets.UTF_8), length);
    }

    @Override
    public String toString() {
        return "NodeKeys[" + peerId + "]";
    }
}
