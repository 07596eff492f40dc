package org.sovereignmesh.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.crypto.CryptoException;
import org.sovereignmesh.crypto.MeshCrypto;
import org.sovereignmesh.crypto.NodeKeys;
import org.sovereignmesh.crypto.NoiseHandshake;
import org.sovereignmesh.crypto.SecureSession;

class HandshakeAndSessionTest {
    private final MeshCrypto crypto = new MeshCryptoImpl();
    private final LocalNodeKeys alice = LocalNodeKeys.generate();
    private final LocalNodeKeys bob = LocalNodeKeys.generate();
    private static final byte[] PROLOGUE = "test".getBytes(StandardCharsets.US_ASCII);

    /** Runs the three messages; returns {initiator session, responder session}. */
    private SecureSession[] handshake(NodeKeys initiatorKeys, NodeKeys responderKeys) throws CryptoException {
        NoiseHandshake initiator = crypto.handshake(initiatorKeys, true, PROLOGUE);
        NoiseHandshake responder = crypto.handshake(responderKeys, false, PROLOGUE);
        assertTrue(initiator.isMyTurn());
        assertFalse(responder.isMyTurn());
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII),
                responder.readMessage(initiator.writeMessage("hello".getBytes(StandardCharsets.US_ASCII))));
        assertArrayEquals(new byte[] {2}, initiator.readMessage(responder.writeMessage(new byte[] {2})));
        assertEquals(responderKeys.peerId(), initiator.remotePeer());
        assertArrayEquals(new byte[] {3}, responder.readMessage(initiator.writeMessage(new byte[] {3})));
        assertEquals(initiatorKeys.peerId(), responder.remotePeer());
        assertTrue(initiator.isComplete() && responder.isComplete());
        assertArrayEquals(initiator.handshakeHash(), responder.handshakeHash());
        return new SecureSession[] {initiator.split(), responder.split()};
    }

    @Test
    void theHandshakeAuthenticatesBothIdentitiesAndTheSessionsInteroperate() throws Exception {
        SecureSession[] s = handshake(alice, bob);
        assertEquals(bob.peerId(), s[0].remotePeer());
        assertEquals(alice.peerId(), s[1].remotePeer());
        for (int i = 0; i < 100; i++) {
            byte[] a = ("a" + i).getBytes(StandardCharsets.UTF_8);
            byte[] frame = s[0].encrypt(a);
            assertEquals(a.length + SecureSession.OVERHEAD, frame.length);
            assertArrayEquals(a, s[1].decrypt(frame));
            byte[] b = ("b" + i).getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(b, s[0].decrypt(s[1].encrypt(b)));
        }
    }

    @Test
    void aStaticKeyThatTheClaimedIdentityDidNotSignIsRefused() throws Exception {
        // Mallory owns a key-agreement key, but claims Bob's identity and replays Bob's public key with her own signature
        LocalNodeKeys mallory = LocalNodeKeys.generate();
        NodeKeys impostor = new NodeKeys() {
            @Override
            public PeerId peerId() {
                return bob.peerId();
            }

            @Override
            public byte[] sign(byte[] message) {
                return mallory.sign(message);
            }

            @Override
            public byte[] keyAgreementPublicKey() {
                return mallory.keyAgreementPublicKey();
            }

            @Override
            public byte[] keyAgreement(byte[] remote) throws CryptoException {
                return mallory.keyAgreement(remote);
            }

            @Override
            public byte[] deriveSecret(String purpose, int length) {
                return mallory.deriveSecret(purpose, length);
            }
        };
        NoiseHandshake initiator = crypto.handshake(alice, true, PROLOGUE);
        NoiseHandshake responder = crypto.handshake(impostor, false, PROLOGUE);
        responder.readMessage(initiator.writeMessage(new byte[0]));
        CryptoException e = assertThrows(CryptoException.class, () -> initiator.readMessage(responder.writeMessage(new byte[0])));
        assertTrue(e.getMessage().contains("does not sign its Noise static key"), e.getMessage());
        assertEquals(null, initiator.remotePeer());
    }

    @Test
    void tamperedOrTruncatedHandshakeMessagesFail() throws Exception {
        NoiseHandshake initiator = crypto.handshake(alice, true, PROLOGUE);
        NoiseHandshake responder = crypto.handshake(bob, false, PROLOGUE);
        responder.readMessage(initiator.writeMessage(new byte[0]));
        byte[] second = responder.writeMessage(new byte[0]);
        byte[] tampered = second.clone();
        tampered[40] ^= 1;
        assertThrows(CryptoException.class, () -> initiator.readMessage(tampered));
        assertThrows(CryptoException.class, () -> initiator.readMessage(second), "a failed handshake stays failed");

        NoiseHandshake fresh = crypto.handshake(bob, false, PROLOGUE);
        assertThrows(CryptoException.class, () -> fresh.readMessage(new byte[10]));
        NoiseHandshake other = crypto.handshake(alice, true, "different prologue".getBytes(StandardCharsets.US_ASCII));
        NoiseHandshake listener = crypto.handshake(bob, false, PROLOGUE);
        listener.readMessage(other.writeMessage(new byte[0]));
        assertThrows(CryptoException.class, () -> other.readMessage(listener.writeMessage(new byte[0])),
                "prologues must match");
        assertThrows(IllegalStateException.class, () -> crypto.handshake(bob, false, PROLOGUE).writeMessage(new byte[0]),
                "the responder does not speak first");
    }

    @Test
    void framesMayArriveOutOfOrderButNeverTwice() throws Exception {
        SecureSession[] s = handshake(alice, bob);
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            frames.add(s[0].encrypt(new byte[] {(byte) i}));
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(3));
        for (int i : order) {
            assertEquals((byte) i, s[1].decrypt(frames.get(i))[0]);
        }
        CryptoException replay = assertThrows(CryptoException.class, () -> s[1].decrypt(frames.get(5)));
        assertTrue(replay.getMessage().contains("replayed"), replay.getMessage());
        for (int i = 0; i < NoiseSession.WINDOW; i++) {
            s[1].decrypt(s[0].encrypt(new byte[1]));
        }
        byte[] late = frames.get(0);
        CryptoException old = assertThrows(CryptoException.class, () -> s[1].decrypt(late));
        assertTrue(old.getMessage().contains("older than the replay window"), old.getMessage());
    }

    @Test
    void forgedTruncatedAndCrossSessionFramesAreRefused() throws Exception {
        SecureSession[] s = handshake(alice, bob);
        SecureSession[] other = handshake(alice, bob);
        byte[] frame = s[0].encrypt(new byte[] {1, 2, 3});
        byte[] flipped = frame.clone();
        flipped[frame.length - 1] ^= 0x40;
        assertThrows(CryptoException.class, () -> s[1].decrypt(flipped));
        assertThrows(CryptoException.class, () -> s[1].decrypt(new byte[SecureSession.OVERHEAD - 1]));
        assertThrows(CryptoException.class, () -> other[1].decrypt(frame), "keys are per session");
        assertArrayEquals(new byte[] {1, 2, 3}, s[1].decrypt(frame), "failed attempts leave the session usable");
    }

    @Test
    void rekeyingMovesBothSidesForwardAndRetiresOldKeys() throws Exception {
        SecureSession[] s = handshake(alice, bob);
        byte[] beforeRekey = s[0].encrypt(new byte[] {1});
        s[0].rekey();
        assertEquals(1, s[0].sendEpoch());
        byte[] epochOne = s[0].encrypt(new byte[] {2});
        assertArrayEquals(new byte[] {2}, s[1].decrypt(epochOne));
        assertArrayEquals(new byte[] {1}, s[1].decrypt(beforeRekey), "the previous epoch's frames still in flight");
        s[0].rekey();
        s[0].rekey();
        byte[] epochThree = s[0].encrypt(new byte[] {3});
        assertArrayEquals(new byte[] {3}, s[1].decrypt(epochThree), "a receiver may skip epochs");
        byte[] stale = handshakeFrameFromEpochZero(s);
        CryptoException retired = assertThrows(CryptoException.class, () -> s[1].decrypt(stale));
        assertTrue(retired.getMessage().contains("epoch"), retired.getMessage());
        for (int i = 0; i <= NoiseSession.MAX_EPOCH_JUMP; i++) {
            s[0].rekey();
        }
        CryptoException jump = assertThrows(CryptoException.class, () -> s[1].decrypt(s[0].encrypt(new byte[1])));
        assertTrue(jump.getMessage().contains("epoch"), jump.getMessage());
    }

    /** A well-formed frame claiming epoch 0 but beyond the replay window's reach cannot be made; forge its nonce. */
    private static byte[] handshakeFrameFromEpochZero(SecureSession[] s) {
        byte[] frame = s[0].encrypt(new byte[] {9});
        byte[] forged = frame.clone();
        for (int i = 0; i < 8; i++) {
            forged[i] = 0;
        }
        forged[7] = 1; // nonce 1, epoch 0: long retired
        return forged;
    }

    @Test
    void sendersRollIntoTheNextEpochByThemselves() throws Exception {
        SecureSession[] s = handshake(alice, bob);
        NoiseSession sender = (NoiseSession) s[0];
        for (long i = 0; i < (1L << NoiseSession.EPOCH_BITS) + 5; i++) {
            byte[] frame = sender.encrypt(new byte[0]);
            if (i % 4096 == 0 || i > (1L << NoiseSession.EPOCH_BITS) - 3) {
                s[1].decrypt(frame);
            }
        }
        assertEquals(1, sender.sendEpoch());
    }
}
