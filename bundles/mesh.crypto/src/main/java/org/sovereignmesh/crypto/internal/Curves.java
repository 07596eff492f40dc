package org.sovereignmesh.crypto.internal;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;

import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.sovereignmesh.crypto.CryptoException;

/** Ed25519 and X25519 through BouncyCastle's RFC 8032 / RFC 7748 code, and the Ed25519-to-X25519 key maps. */
final class Curves {
    static final int KEY_SIZE = 32;
    static final int SIGNATURE_SIZE = 64;
    private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    private static final SecureRandom RANDOM = new SecureRandom();

    static {
        Ed25519.precompute();
        X25519.precompute();
    }

    private Curves() {
    }

    static byte[] ed25519PublicKey(byte[] seed) {
        byte[] publicKey = new byte[KEY_SIZE];
        Ed25519.generatePublicKey(seed, 0, publicKey, 0);
        return publicKey;
    }

    static byte[] sign(byte[] seed, byte[] publicKey, byte[] message) {
        byte[] signature = new byte[SIGNATURE_SIZE];
        Ed25519.sign(seed, 0, publicKey, 0, message, 0, message.length, signature, 0);
        return signature;
    }

    static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey.length != KEY_SIZE || signature == null || signature.length != SIGNATURE_SIZE) {
            return false;
        }
        return Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length);
    }

    static byte[] newX25519PrivateKey() {
        byte[] privateKey = new byte[KEY_SIZE];
        X25519.generatePrivateKey(RANDOM, privateKey);
        return privateKey;
    }

    static byte[] x25519PublicKey(byte[] privateKey) {
        byte[] publicKey = new byte[KEY_SIZE];
        X25519.scalarMultBase(privateKey, 0, publicKey, 0);
        return publicKey;
    }

    /** @throws CryptoException if {@code publicKey} is a low-order point (an all-zero shared secret) */
    static byte[] x25519(byte[] privateKey, byte[] publicKey) throws CryptoException {
        if (publicKey == null || publicKey.length != KEY_SIZE) {
            throw new CryptoException("X25519 public key must be " + KEY_SIZE + " bytes");
        }
        byte[] shared = new byte[KEY_SIZE];
        if (!X25519.calculateAgreement(privateKey, 0, publicKey, 0, shared, 0)) {
            throw new CryptoException("X25519 public key is a low-order point");
        }
        return shared;
    }

    /**
     * The X25519 private key that belongs to an Ed25519 seed: the first half of SHA-512(seed), clamped (what
     * libsodium's crypto_sign_ed25519_sk_to_curve25519 and the did:key key-agreement derivation do).
     */
    static byte[] x25519PrivateFromEd25519(byte[] seed) {
        byte[] hash = sha512(seed);
        byte[] privateKey = Arrays.copyOf(hash, KEY_SIZE);
        Arrays.fill(hash, (byte) 0);
        X25519.clampPrivateKey(privateKey);
        return privateKey;
    }

    /**
     * The X25519 public key that belongs to an Ed25519 public key: the Montgomery u = (1 + y) / (1 - y) of its
     * Edwards y coordinate.
     *
     * @throws IllegalArgumentException if the key is not a usable Edwards y coordinate
     */
    static byte[] x25519PublicFromEd25519(byte[] ed25519PublicKey) {
        if (ed25519PublicKey.length != KEY_SIZE) {
            throw new IllegalArgumentException("Ed25519 public key must be " + KEY_SIZE + " bytes");
        }
        byte[] bigEndian = new byte[KEY_SIZE];
        for (int i = 0; i < KEY_SIZE; i++) {
            bigEndian[i] = ed25519PublicKey[KEY_SIZE - 1 - i];
        }
        bigEndian[0] &= 0x7f; // the x sign bit
        BigInteger y = new BigInteger(1, bigEndian);
        BigInteger oneMinusY = BigInteger.ONE.subtract(y).mod(P);
        if (y.compareTo(P) >= 0 || oneMinusY.signum() == 0) {
            throw new IllegalArgumentException("Ed25519 public key has no X25519 counterpart");
        }
        BigInteger u = BigInteger.ONE.add(y).multiply(oneMinusY.modInverse(P)).mod(P);
        byte[] magnitude = u.toByteArray();
        byte[] littleEndian = new byte[KEY_SIZE];
        for (int i = 0; i < KEY_SIZE && i < magnitude.length; i++) {
            littleEndian[i] = magnitude[magnitude.length - 1 - i];
        }
        return littleEndian;
    }

    static byte[] sha512(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-512").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-512", e);
        }
    }
}
