package org.sovereignmesh.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.crypto.CryptoException;
import org.sovereignmesh.crypto.MeshCrypto;
import org.sovereignmesh.crypto.OpenedPacket;
import org.sovereignmesh.crypto.ReplayGuard;

class SealedPacketTest {
    private static final long NOW = 1_780_000_000_000L;
    private final MeshCrypto crypto = new MeshCryptoImpl();
    private final LocalNodeKeys sender = LocalNodeKeys.generate();
    private final LocalNodeKeys recipient = LocalNodeKeys.generate();

    @Test
    void onlyTheRecipientOpensItAndTheSenderIsVerified() throws Exception {
        byte[] payload = "meet at the bridge".getBytes();
        byte[] sealed = crypto.seal(sender, recipient.peerId(), payload, NOW);
        assertEquals(payload.length + MeshCrypto.SEAL_OVERHEAD, sealed.length);
        OpenedPacket opened = crypto.open(recipient, sealed);
        assertEquals(sender.peerId(), opened.sender());
        assertArrayEquals(payload, opened.payload());
        assertEquals(NOW / 1000 * 1000, opened.createdAtMillis());
        assertEquals(16, opened.packetId().length);

        CryptoException notForMe = assertThrows(CryptoException.class, () -> crypto.open(sender, sealed));
        assertTrue(notForMe.getMessage().contains("not for this node"), notForMe.getMessage());
        assertTrue(!contains(sealed, payload), "the payload is not visible");
        assertTrue(!contains(sealed, sender.peerId().publicKey()), "the sender is not visible");
    }

    @Test
    void everyAlteredByteIsDetected() {
        byte[] sealed = crypto.seal(sender, recipient.peerId(), new byte[20], NOW);
        for (int i = 0; i < sealed.length; i++) {
            byte[] altered = sealed.clone();
            altered[i] ^= 0x01;
            assertThrows(CryptoException.class, () -> crypto.open(recipient, altered), "byte " + i);
        }
        assertThrows(CryptoException.class, () -> crypto.open(recipient, Arrays.copyOf(sealed, 100)));
    }

    @Test
    void aSignatureCannotBeReusedUnderAnotherSendersName() throws Exception {
        // Mallory seals to the recipient but writes Alice as the sender, with a signature Alice never made
        LocalNodeKeys mallory = LocalNodeKeys.generate();
        LocalNodeKeys alice = LocalNodeKeys.generate();
        org.sovereignmesh.crypto.NodeKeys forger = new org.sovereignmesh.crypto.NodeKeys() {
            public org.sovereignmesh.api.PeerId peerId() {
                return alice.peerId();
            }

            public byte[] sign(byte[] message) {
                return mallory.sign(message);
            }

            public byte[] keyAgreementPublicKey() {
                return mallory.keyAgreementPublicKey();
            }

            public byte[] keyAgreement(byte[] remote) throws CryptoException {
                return mallory.keyAgreement(remote);
            }

            public byte[] deriveSecret(String purpose, int length) {
                return mallory.deriveSecret(purpose, length);
            }
        };
        byte[] sealed = crypto.seal(forger, recipient.peerId(), new byte[] {1}, NOW);
        CryptoException e = assertThrows(CryptoException.class, () -> crypto.open(recipient, sealed));
        assertTrue(e.getMessage().contains("signature"), e.getMessage());
    }

    @Test
    void anEphemeralKeyServesAFewHundredPacketsAndEachStaysUnique() throws Exception {
        java.util.Set<String> ephemeralKeys = new java.util.HashSet<>();
        java.util.Set<String> packetIds = new java.util.HashSet<>();
        for (int i = 0; i < 600; i++) {
            byte[] sealed = crypto.seal(sender, recipient.peerId(), new byte[] {(byte) i}, NOW);
            ephemeralKeys.add(java.util.HexFormat.of().formatHex(sealed, 1, 33));
            OpenedPacket opened = crypto.open(recipient, sealed);
            assertEquals((byte) i, opened.payload()[0]);
            assertTrue(packetIds.add(java.util.HexFormat.of().formatHex(opened.packetId())), "packet " + i + " unique");
        }
        assertEquals(3, ephemeralKeys.size(), "a fresh ephemeral key after every " + SealedPackets.PACKETS_PER_KEY);
        // another sender to the same recipient never shares the first sender's key
        LocalNodeKeys other = LocalNodeKeys.generate();
        byte[] fromOther = crypto.seal(other, recipient.peerId(), new byte[1], NOW);
        assertTrue(!ephemeralKeys.contains(java.util.HexFormat.of().formatHex(fromOther, 1, 33)));
    }

    @Test
    void theReplayGuardAcceptsEachPacketOnce() throws Exception {
        ReplayGuard guard = crypto.replayGuard(Duration.ofHours(1), 1000);
        OpenedPacket packet = crypto.open(recipient, crypto.seal(sender, recipient.peerId(), new byte[1], NOW));
        guard.accept(packet, NOW);
        CryptoException replay = assertThrows(CryptoException.class, () -> guard.accept(packet, NOW + 1000));
        assertTrue(replay.getMessage().contains("replayed"));
        OpenedPacket old = crypto.open(recipient, crypto.seal(sender, recipient.peerId(), new byte[1], NOW - 7_200_000));
        assertTrue(assertThrows(CryptoException.class, () -> guard.accept(old, NOW)).getMessage().contains("horizon"));
        OpenedPacket future = crypto.open(recipient, crypto.seal(sender, recipient.peerId(), new byte[1], NOW + 3_600_000));
        assertTrue(assertThrows(CryptoException.class, () -> guard.accept(future, NOW)).getMessage().contains("future"));
        // a replay after the horizon is refused as too old, not accepted as new
        assertThrows(CryptoException.class, () -> guard.accept(packet, NOW + 3_700_000));
    }

    @Test
    void aFullReplayGuardForgetsTheOldestAndRefusesAnythingOlder() throws Exception {
        BoundedReplayGuard guard = (BoundedReplayGuard) crypto.replayGuard(Duration.ofDays(7), 10);
        OpenedPacket[] packets = new OpenedPacket[15];
        for (int i = 0; i < packets.length; i++) {
            packets[i] = crypto.open(recipient, crypto.seal(sender, recipient.peerId(), new byte[] {(byte) i},
                    NOW + i * 1000L));
            guard.accept(packets[i], NOW + 20_000);
        }
        assertEquals(10, guard.size());
        for (int i = 0; i < 5; i++) {
            OpenedPacket forgotten = packets[i];
            assertThrows(CryptoException.class, () -> guard.accept(forgotten, NOW + 20_000), "packet " + i);
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
