package org.sovereignmesh.crypto.internal;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** SHA-256, HMAC-SHA256 and HKDF-SHA256 (RFC 5869) from the JDK, whose SHA-256 uses CPU instructions. */
final class Hashes {
    static final int HASH_SIZE = 32;

    private Hashes() {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    static byte[] sha256(byte[]... parts) {
        MessageDigest digest = sha256();
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest();
    }

    static byte[] hmacSha256(byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            // HMAC pads an empty key with zeros; SecretKeySpec refuses an empty array, so hand it the zero block
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[HASH_SIZE] : key, "HmacSHA256"));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }

    /** RFC 5869 HKDF-SHA256; the Noise HKDF is the special case with empty {@code info}. */
    static byte[] hkdf(byte[] salt, byte[] inputKeyMaterial, byte[] info, int length) {
        if (length < 1 || length > 255 * HASH_SIZE) {
            throw new IllegalArgumentException("HKDF-SHA256 output length must be 1.." + 255 * HASH_SIZE + ", got " + length);
        }
        byte[] pseudoRandomKey = hmacSha256(salt, inputKeyMaterial);
        byte[] output = new byte[length];
        byte[] block = new byte[0];
        int written = 0;
        for (int counter = 1; written < length; counter++) {
            block = hmacSha256(pseudoRandomKey, block, info, new byte[] {(byte) counter});
            int n = Math.min(block.length, length - written);
            System.arraycopy(block, 0, output, written, n);
            written += n;
        }
        java.util.Arrays.fill(pseudoRandomKey, (byte) 0);
        return output;
    }
}
