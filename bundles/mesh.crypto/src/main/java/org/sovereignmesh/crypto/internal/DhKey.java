package org.sovereignmesh.crypto.internal;

import org.sovereignmesh.crypto.CryptoException;

/** An X25519 key whose private half may live elsewhere (the key store, an HSM): public key plus agreement. */
interface DhKey {
    byte[] publicKey();

    byte[] agree(byte[] remotePublicKey) throws CryptoException;

    /** A key whose private bytes are at hand (ephemeral keys, test vectors). */
    static DhKey ofPrivate(byte[] privateKey) {
        byte[] publicKey = Curves.x25519PublicKey(privateKey);
        byte[] secret = privateKey.clone();
        return new DhKey() {
            @Override
            public byte[] publicKey() {
                return publicKey.clone();
            }

            @Override
            public byte[] agree(byte[] remotePublicKey) throws CryptoException {
                return Curves.x25519(secret, remotePublicKey);
            }
        };
    }
}
