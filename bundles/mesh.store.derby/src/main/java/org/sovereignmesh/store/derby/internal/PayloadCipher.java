package org.sovereignmesh.store.derby.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.sovereignmesh.store.StoreException;

/**
 * Seals every value before it reaches the engine: ChaCha20-Poly1305 (the JDK's) with a random 96-bit nonce and the
 * row's identity as associated data, so a value moved to another row, or altered, fails to open. This holds even if
 * the engine left a copy somewhere unencrypted (a log, a temporary file), and under an engine without encryption.
 *
 * <p>Layout: nonce (12) | ciphertext | tag (16).
 */
final class PayloadCipher {
    static final int OVERHEAD = 12 + 16;
    private static final String ALGORITHM = "ChaCha20-Poly1305";
    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();
    private final String location;

    PayloadCipher(byte[] key, String location) {
        if (key.length != 32) {
            throw new IllegalArgumentException("payload key must be 32 bytes");
        }
        this.key = new SecretKeySpec(key, "ChaCha20");
        this.location = location;
    }

    byte[] seal(byte[] plaintext, String table, byte[]... rowIdentity) {
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(ALGORITHM);
            cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce));
            cipher.updateAAD(associatedData(table, rowIdentity));
            byte[] out = new byte[12 + plaintext.length + 16];
            System.arraycopy(nonce, 0, out, 0, 12);
            cipher.doFinal(plaintext, 0, plaintext.length, out, 12);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's ChaCha20-Poly1305 is unavailable", e);
        }
    }

    byte[] open(byte[] sealed, String table, byte[]... rowIdentity) {
        if (sealed == null || sealed.length < OVERHEAD) {
            throw damaged(table, null);
        }
        try {
            Cipher cipher = Cipher.getInstance(ALGORITHM);
            cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(Arrays.copyOf(sealed, 12)));
            cipher.updateAAD(associatedData(table, rowIdentity));
            return cipher.doFinal(sealed, 12, sealed.length - 12);
        } catch (javax.crypto.AEADBadTagException e) {
            throw damaged(table, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's ChaCha20-Poly1305 is unavailable", e);
        }
    }

    private StoreException damaged(String table, Throwable cause) {
        return new StoreException(StoreException.Reason.CORRUPTED, "a value in table " + table + " of the store "
                + location + " does not decrypt: the data was altered, or it was written under another identity's"
                + " keys. Restore the store from a backup, or move it aside to start with an empty one", cause);
    }

    /** Table name and each identity part, length-prefixed so no two rows share associated data. */
    private static byte[] associatedData(String table, byte[]... parts) {
        byte[] name = table.getBytes(StandardCharsets.US_ASCII);
        int size = 4 + name.length;
        for (byte[] p : parts) {
            size += 4 + p.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.putInt(name.length).put(name);
        for (byte[] p : parts) {
            buffer.putInt(p.length).put(p);
        }
        return buffer.array();
    }
}
