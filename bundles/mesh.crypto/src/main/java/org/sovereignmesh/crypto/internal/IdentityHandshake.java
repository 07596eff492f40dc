package org.sovereignmesh.crypto.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.crypto.CryptoException;
import org.sovereignmesh.crypto.NodeKeys;
import org.sovereignmesh.crypto.NoiseHandshake;
import org.sovereignmesh.crypto.SecureSession;

/**
 * Noise XX with the node identity bound to the static key: the second and third messages start with an identity
 * proof, {@code ed25519 public key (32) | signature (64)} of {@link #STATIC_KEY_LABEL} followed by the sender's
 * Noise static key. The proof travels encrypted, so passive observers learn neither identity.
 */
final class IdentityHandshake implements NoiseHandshake {
    static final byte[] STATIC_KEY_LABEL = "sovereign-mesh v1 noise static key".getBytes(StandardCharsets.US_ASCII);
    static final int PROOF_SIZE = PeerId.KEY_LENGTH + Curves.SIGNATURE_SIZE;

    private final XXHandshakeState state;
    private final NodeKeys keys;
    private final boolean initiator;
    private PeerId remotePeer;

    IdentityHandshake(NodeKeys keys, boolean initiator, byte[] prologue, byte[] ephemeralPrivateKey) {
        this.keys = keys;
        this.initiator = initiator;
        this.state = new XXHandshakeState(initiator, prologue, new DhKey() {
            @Override
            public byte[] publicKey() {
                return keys.keyAgreementPublicKey();
            }

            @Override
            public byte[] agree(byte[] remotePublicKey) throws CryptoException {
                return keys.keyAgreement(remotePublicKey);
            }
        }, ephemeralPrivateKey);
    }

    @Override
    public boolean isMyTurn() {
        return state.isMyTurn();
    }

    @Override
    public boolean isComplete() {
        return state.isComplete();
    }

    @Override
    public byte[] writeMessage(byte[] payload) {
        if (state.messageIndex() == 0) {
            return state.writeMessage(payload);
        }
        byte[] proof = XXHandshakeState.concat(keys.peerId().publicKey(),
                keys.sign(XXHandshakeState.concat(STATIC_KEY_LABEL, keys.keyAgreementPublicKey())));
        return state.writeMessage(XXHandshakeState.concat(proof, payload));
    }

    @Override
    public byte[] readMessage(byte[] message) throws CryptoException {
        int index = state.messageIndex();
        byte[] plaintext = state.readMessage(message);
        if (index == 0) {
            return plaintext;
        }
        if (plaintext.length < PROOF_SIZE) {
            throw new CryptoException("handshake message " + index + " lacks the identity proof");
        }
        PeerId claimed = PeerId.fromPublicKey(Arrays.copyOf(plaintext, PeerId.KEY_LENGTH));
        byte[] signature = Arrays.copyOfRange(plaintext, PeerId.KEY_LENGTH, PROOF_SIZE);
        byte[] signed = XXHandshakeState.concat(STATIC_KEY_LABEL, state.remoteStatic());
        if (!Curves.verify(claimed.publicKey(), signed, signature)) {
            throw new CryptoException("identity proof of " + claimed + " does not sign its Noise static key");
        }
        remotePeer = claimed;
        return Arrays.copyOfRange(plaintext, PROOF_SIZE, plaintext.length);
    }

    @Override
    public PeerId remotePeer() {
        return remotePeer;
    }

    @Override
    public byte[] handshakeHash() {
        return state.handshakeHash();
    }

    @Override
    public SecureSession split() {
        if (!isComplete() || remotePeer == null) {
            throw new IllegalStateException("handshake not complete");
        }
        byte[][] keys = state.split();
        return initiator ? new NoiseSession(remotePeer, keys[0], keys[1]) : new NoiseSession(remotePeer, keys[1], keys[0]);
    }
}
