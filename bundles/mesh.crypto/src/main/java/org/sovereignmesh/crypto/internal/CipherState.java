package org.sovereignmesh.crypto.internal;

import java.util.Arrays;

import org.sovereignmesh.crypto.CryptoException;

/** The Noise CipherState: a key and a counter nonce (Noise spec section 5.1). */
final class CipherState {
    /** 2^64-1 is reserved for REKEY. */
    static final long MAX_NONCE = -1L;

    private final ChaChaPoly aead = new ChaChaPoly();
    private byte[] key;
    private long nonce;

    void initializeKey(byte[] newKey) {
        key = newKey == null ? null : newKey.clone();
        nonce = 0;
    }

    boolean hasKey() {
        return key != null;
    }

    byte[] encryptWithAd(byte[] associatedData, byte[] plaintext) {
        if (key == null) {
            return plaintext.clone();
        }
        if (nonce == MAX_NONCE) {
            throw new IllegalStateException("Noise nonce exhausted");
        }
        return aead.encrypt(key, nonce++, associatedData, plaintext);
    }

    byte[] decryptWithAd(byte[] associatedData, byte[] ciphertext) throws CryptoException {
        if (key == null) {
            return ciphertext.clone();
        }
        if (nonce == MAX_NONCE) {
            throw new CryptoException("Noise nonce exhausted");
        }
        byte[] plaintext = aead.decrypt(key, nonce, associatedData, ciphertext, 0, ciphertext.length);
        nonce++;
        return plaintext;
    }

    /** @return a copy of the current key, for the transport session built from this state */
    byte[] key() {
        return key.clone();
    }

    /**
     * Noise REKEY: the first 32 bytes of ENCRYPT(k, 2^64-1, empty, 32 zero bytes). A fresh cipher each time: the
     * same key may legitimately be rekeyed twice (a receiver that tried a forged frame from a later epoch).
     */
    static byte[] rekey(byte[] key) {
        return Arrays.copyOf(new ChaChaPoly().encrypt(key, MAX_NONCE, new byte[0], new byte[ChaChaPoly.KEY_SIZE]),
                ChaChaPoly.KEY_SIZE);
    }
}
