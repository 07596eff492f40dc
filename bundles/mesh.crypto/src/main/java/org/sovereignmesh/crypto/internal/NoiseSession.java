package org.sovereignmesh.crypto.internal;

import java.util.Arrays;

import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.crypto.CryptoException;
import org.sovereignmesh.crypto.SecureSession;

/**
 * Transport phase of a link: ChaCha20-Poly1305 frames {@code nonce (8, big-endian) | ciphertext | tag (16)}.
 *
 * <p>The nonce is explicit so lossy and reordering media work (Noise spec section 11.4). Nonces are split into
 * epochs of {@value #EPOCH_BITS} bits; the key of epoch {@code e} is the Noise REKEY function applied {@code e}
 * times to the handshake key. A receiver follows a sender into a later epoch (at most {@value #MAX_EPOCH_JUMP}
 * ahead, so a forged frame costs bounded work), keeps the previous epoch's key for frames still in flight, and
 * forgets older keys: forward secrecy within the session. Each of the two live epochs has its own
 * {@value #WINDOW}-frame sliding window that rejects replays, so an early rekey never strands frames in flight.
 */
final class NoiseSession implements SecureSession {
    static final int EPOCH_BITS = 20;
    static final int MAX_EPOCH_JUMP = 16;
    static final int WINDOW = 1024;
    private static final int NONCE_SIZE = 8;

    private final PeerId remotePeer;
    private final ChaChaPoly aead = new ChaChaPoly();

    private byte[] sendKey;
    private long sendEpoch;
    private long sendNonce;

    private byte[] receiveKey;
    private byte[] previousReceiveKey;
    private long receiveEpoch;
    private ReplayWindow window = new ReplayWindow();
    private ReplayWindow previousWindow = new ReplayWindow();

    NoiseSession(PeerId remotePeer, byte[] sendKey, byte[] receiveKey) {
        this.remotePeer = remotePeer;
        this.sendKey = sendKey;
        this.receiveKey = receiveKey;
    }

    @Override
    public PeerId remotePeer() {
        return remotePeer;
    }

    @Override
    public byte[] encrypt(byte[] plaintext) {
        long nonce = sendNonce++;
        long epoch = nonce >>> EPOCH_BITS;
        while (sendEpoch < epoch) {
            byte[] next = CipherState.rekey(sendKey);
            Arrays.fill(sendKey, (byte) 0);
            sendKey = next;
            sendEpoch++;
        }
        byte[] sealed = aead.encrypt(sendKey, nonce, new byte[0], plaintext);
        byte[] frame = new byte[NONCE_SIZE + sealed.length];
        for (int i = 0; i < NONCE_SIZE; i++) {
            frame[i] = (byte) (nonce >>> (56 - 8 * i));
        }
        System.arraycopy(sealed, 0, frame, NONCE_SIZE, sealed.length);
        return frame;
    }

    @Override
    public byte[] decrypt(byte[] frame) throws CryptoException {
        if (frame.length < OVERHEAD) {
            throw new CryptoException("encrypted frame of " + frame.length + " bytes is shorter than " + OVERHEAD);
        }
        long nonce = 0;
        for (int i = 0; i < NONCE_SIZE; i++) {
            nonce = (nonce << 8) | (frame[i] & 0xff);
        }
        if (nonce == CipherState.MAX_NONCE || nonce < 0) {
            throw new CryptoException("reserved nonce");
        }
        long epoch = nonce >>> EPOCH_BITS;
        byte[] plaintext;
        if (epoch == receiveEpoch) {
            window.check(nonce);
            plaintext = aead.decrypt(receiveKey, nonce, new byte[0], frame, NONCE_SIZE, frame.length - NONCE_SIZE);
            window.mark(nonce);
        } else if (epoch == receiveEpoch - 1 && previousReceiveKey != null) {
            previousWindow.check(nonce);
            plaintext = aead.decrypt(previousReceiveKey, nonce, new byte[0], frame, NONCE_SIZE, frame.length - NONCE_SIZE);
            previousWindow.mark(nonce);
        } else if (epoch > receiveEpoch && epoch - receiveEpoch <= MAX_EPOCH_JUMP) {
            byte[] previous = receiveKey;
            byte[] candidate = receiveKey;
            for (long e = receiveEpoch; e < epoch; e++) {
                previous = candidate;
                candidate = CipherState.rekey(candidate);
            }
            plaintext = aead.decrypt(candidate, nonce, new byte[0], frame, NONCE_SIZE, frame.length - NONCE_SIZE);
            // authenticated: move forward, keeping only the key just before the new one
            if (previousReceiveKey != null && previousReceiveKey != previous) {
                Arrays.fill(previousReceiveKey, (byte) 0);
            }
            previousReceiveKey = previous;
            previousWindow = epoch == receiveEpoch + 1 ? window : new ReplayWindow();
            window = new ReplayWindow();
            window.mark(nonce);
            receiveKey = candidate;
            receiveEpoch = epoch;
        } else {
            throw new CryptoException("frame from key epoch " + epoch + ", receiving in epoch " + receiveEpoch);
        }
        return plaintext;
    }

    @Override
    public void rekey() {
        long nextEpoch = (sendNonce >>> EPOCH_BITS) + 1;
        sendNonce = nextEpoch << EPOCH_BITS;
    }

    @Override
    public long sendEpoch() {
        return sendNonce >>> EPOCH_BITS;
    }

    /** Which of the last {@value #WINDOW} nonces of one epoch were accepted. */
    private static final class ReplayWindow {
        private final long[] bits = new long[WINDOW / 64];
        private long highest = -1;

        void check(long nonce) throws CryptoException {
            if (highest >= 0 && nonce <= highest - WINDOW) {
                throw new CryptoException("frame older than the replay window (nonce " + nonce + ")");
            }
            if (nonce <= highest && (bits[bit(nonce) >>> 6] & (1L << (bit(nonce) & 63))) != 0) {
                throw new CryptoException("replayed frame (nonce " + nonce + ")");
            }
        }

        void mark(long nonce) {
            if (nonce > highest) {
                if (highest < 0 || nonce - highest >= WINDOW) {
                    Arrays.fill(bits, 0);
                } else {
                    for (long n = highest + 1; n <= nonce; n++) {
                        bits[bit(n) >>> 6] &= ~(1L << (bit(n) & 63));
                    }
                }
                highest = nonce;
            }
            bits[bit(nonce) >>> 6] |= 1L << (bit(nonce) & 63);
        }

        private static int bit(long nonce) {
            return (int) (nonce % WINDOW);
        }
    }
}
