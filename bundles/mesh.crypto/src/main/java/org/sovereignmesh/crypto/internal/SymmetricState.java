package org.sovereignmesh.crypto.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.sovereignmesh.crypto.CryptoException;

/** The Noise SymmetricState: chaining key, handshake hash, and a CipherState (Noise spec section 5.2). */
final class SymmetricState {
    private final CipherState cipher = new CipherState();
    private byte[] chainingKey;
    private byte[] hash;

    SymmetricState(String protocolName) {
        byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
        hash = name.length <= Hashes.HASH_SIZE ? Arrays.copyOf(name, Hashes.HASH_SIZE) : Hashes.sha256(name);
        chainingKey = hash.clone();
    }

    void mixKey(byte[] inputKeyMaterial) {
        byte[] output = Hashes.hkdf(chainingKey, inputKeyMaterial, new byte[0], 2 * Hashes.HASH_SIZE);
        chainingKey = Arrays.copyOf(output, Hashes.HASH_SIZE);
        cipher.initializeKey(Arrays.copyOfRange(output, Hashes.HASH_SIZE, 2 * Hashes.HASH_SIZE));
        Arrays.fill(output, (byte) 0);
    }

    void mixHash(byte[] data) {
        hash = Hashes.sha256(hash, data);
    }

    byte[] encryptAndHash(byte[] plaintext) {
        byte[] ciphertext = cipher.encryptWithAd(hash, plaintext);
        mixHash(ciphertext);
        return ciphertext;
    }

    byte[] decryptAndHash(byte[] ciphertext) throws CryptoException {
        byte[] plaintext = cipher.decryptWithAd(hash, ciphertext);
        mixHash(ciphertext);
        return plaintext;
    }

    boolean hasKey() {
        return cipher.hasKey();
    }

    byte[] handshakeHash() {
        return hash.clone();
    }

    /** @return the two transport keys: initiator-to-responder first */
    byte[][] split() {
        byte[] output = Hashes.hkdf(chainingKey, new byte[0], new byte[0], 2 * Hashes.HASH_SIZE);
        byte[][] keys = {Arrays.copyOf(output, Hashes.HASH_SIZE),
                Arrays.copyOfRange(output, Hashes.HASH_SIZE, 2 * Hashes.HASH_SIZE)};
        Arrays.fill(output, (byte) 0);
        Arrays.fill(chainingKey, (byte) 0);
        return keys;
    }
}
