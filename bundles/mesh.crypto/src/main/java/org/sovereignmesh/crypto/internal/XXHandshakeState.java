package org.sovereignmesh.crypto.internal;

import java.util.Arrays;

import org.sovereignmesh.crypto.CryptoException;

/**
 * The Noise HandshakeState for {@code Noise_XX_25519_ChaChaPoly_SHA256} (Noise spec section 5.3 and the XX
 * pattern), exactly as specified so the published test vectors reproduce:
 *
 * <pre>
 *   -> e
 *   <- e, ee, s, es
 *   -> s, se
 * </pre>
 */
final class XXHandshakeState {
    static final String PROTOCOL_NAME = "Noise_XX_25519_ChaChaPoly_SHA256";
    private static final int DH_LEN = Curves.KEY_SIZE;
    private static final int TAG = ChaChaPoly.TAG_SIZE;

    private final boolean initiator;
    private final SymmetricState symmetric = new SymmetricState(PROTOCOL_NAME);
    private final DhKey staticKey;
    private final DhKey ephemeral;
    private byte[] remoteEphemeral;
    /** DH(e, re), computed as soon as re arrives so a low-order key fails the read, not our next write. */
    private byte[] ephemeralShared;
    private byte[] remoteStatic;
    private int messageIndex;
    private boolean failed;

    /**
     * @param ephemeralPrivateKey fixed ephemeral key for test vectors; null picks a fresh random one
     */
    XXHandshakeState(boolean initiator, byte[] prologue, DhKey staticKey, byte[] ephemeralPrivateKey) {
        this.initiator = initiator;
        this.staticKey = staticKey;
        this.ephemeral = DhKey.ofPrivate(ephemeralPrivateKey != null ? ephemeralPrivateKey : Curves.newX25519PrivateKey());
        symmetric.mixHash(prologue);
    }

    boolean isMyTurn() {
        return !failed && messageIndex < 3 && (messageIndex % 2 == 0) == initiator;
    }

    boolean isComplete() {
        return messageIndex == 3;
    }

    int messageIndex() {
        return messageIndex;
    }

    byte[] remoteStatic() {
        return remoteStatic == null ? null : remoteStatic.clone();
    }

    byte[] handshakeHash() {
        return symmetric.handshakeHash();
    }

    byte[] writeMessage(byte[] payload) {
        if (!isMyTurn()) {
            throw new IllegalStateException("not this side's turn to write (message " + messageIndex + ")");
        }
        try {
            byte[] message;
            switch (messageIndex) {
                case 0: {
                    byte[] e = ephemeral.publicKey();
                    symmetric.mixHash(e);
                    message = concat(e, symmetric.encryptAndHash(payload));
                    break;
                }
                case 1: {
                    byte[] e = ephemeral.publicKey();
                    symmetric.mixHash(e);
                    symmetric.mixKey(ephemeralShared); // ee
                    byte[] s = symmetric.encryptAndHash(staticKey.publicKey());
                    symmetric.mixKey(staticKey.agree(remoteEphemeral)); // es
                    message = concat(e, s, symmetric.encryptAndHash(payload));
                    break;
                }
                default: {
                    byte[] s = symmetric.encryptAndHash(staticKey.publicKey());
                    symmetric.mixKey(staticKey.agree(remoteEphemeral)); // se
                    message = concat(s, symmetric.encryptAndHash(payload));
                    break;
                }
            }
            messageIndex++;
            return message;
        } catch (CryptoException e) {
            failed = true;
            throw new IllegalStateException("handshake cannot continue: " + e.getMessage(), e);
        }
    }

    byte[] readMessage(byte[] message) throws CryptoException {
        if (failed || messageIndex >= 3 || (messageIndex % 2 == 0) == initiator) {
            throw new CryptoException("unexpected handshake message " + messageIndex);
        }
        try {
            byte[] payload;
            switch (messageIndex) {
                case 0: {
                    require(message, DH_LEN, "first handshake message");
                    remoteEphemeral = Arrays.copyOf(message, DH_LEN);
                    ephemeralShared = ephemeral.agree(remoteEphemeral);
                    symmetric.mixHash(remoteEphemeral);
                    payload = symmetric.decryptAndHash(Arrays.copyOfRange(message, DH_LEN, message.length));
                    break;
                }
                case 1: {
                    require(message, DH_LEN + DH_LEN + TAG + TAG, "second handshake message");
                    remoteEphemeral = Arrays.copyOf(message, DH_LEN);
                    symmetric.mixHash(remoteEphemeral);
                    symmetric.mixKey(ephemeral.agree(remoteEphemeral)); // ee
                    remoteStatic = symmetric.decryptAndHash(Arrays.copyOfRange(message, DH_LEN, 2 * DH_LEN + TAG));
                    symmetric.mixKey(ephemeral.agree(remoteStatic)); // es
                    payload = symmetric.decryptAndHash(Arrays.copyOfRange(message, 2 * DH_LEN + TAG, message.length));
                    break;
                }
                default: {
                    require(message, DH_LEN + TAG + TAG, "third handshake message");
                    remoteStatic = symmetric.decryptAndHash(Arrays.copyOf(message, DH_LEN + TAG));
                    symmetric.mixKey(ephemeral.agree(remoteStatic)); // se
                    payload = symmetric.decryptAndHash(Arrays.copyOfRange(message, DH_LEN + TAG, message.length));
                    break;
                }
            }
            messageIndex++;
            return payload;
        } catch (CryptoException e) {
            failed = true;
            throw e;
        }
    }

    /** @return [initiator-to-responder key, responder-to-initiator key] */
    byte[][] split() {
        if (!isComplete()) {
            throw new IllegalStateException("handshake not complete");
        }
        return symmetric.split();
    }

    private static void require(byte[] message, int minimum, String what) throws CryptoException {
        if (message.length < minimum) {
            throw new CryptoException(what + " of " + message.length + " bytes is shorter than " + minimum);
        }
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, offset, part.length);
            offset += part.length;
        }
        return out;
    }
}
