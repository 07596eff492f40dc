package org.sovereignmesh.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.transport.LinkInfo;
import org.sovereignmesh.api.transport.TransportEvent;
import org.sovereignmesh.crypto.CryptoException;
import org.sovereignmesh.crypto.NoiseHandshake;
import org.sovereignmesh.crypto.internal.LocalNodeKeys;

/**
 * Whatever a neighbour sends, the node closes that link with a clear reason (or drops the one bad packet) and keeps
 * serving everyone else. The neighbour speaks the real protocol until it chooses not to.
 */
class HostileNeighbourTest {
    private final TestNodes nodes = new TestNodes();
    private final TestNodes.Node node = nodes.node(shortHandshake());
    private final ScriptedTransport transport = new ScriptedTransport();

    HostileNeighbourTest() {
        node.mesh.addTransport(transport, "test");
        nodes.settle();
    }

    private static NodeSettings shortHandshake() {
        NodeSettings settings = new NodeSettings();
        settings.handshakeTimeout = Duration.ofSeconds(5);
        return settings;
    }

    private ScriptedPeer accept(String name) {
        ScriptedTransport.ScriptedLink link = transport.accept(name);
        nodes.clock.runFor(Duration.ofMillis(1));
        return new ScriptedPeer(nodes, link);
    }

    static List<Object[]> badFirstFrames() {
        return List.of(
                new Object[] {"empty frame", new byte[0], "empty frame"},
                new Object[] {"unknown type", new byte[] {0x77, 1}, "unknown frame type 119"},
                new Object[] {"session frame before handshake", new byte[30], "unknown frame type 0"},
                new Object[] {"early session frame", withType(LinkCodec.SECURE, 40), "before the handshake completed"},
                new Object[] {"truncated handshake", withType(LinkCodec.HANDSHAKE, 10), "shorter than 32"},
                new Object[] {"packet frame on a duplex link", withType(LinkCodec.PACKET, 200), "on a secured link"},
                new Object[] {"announcement on a duplex link", withType(LinkCodec.ANNOUNCE, 101), "on a secured link"});
    }

    private static byte[] withType(byte type, int length) {
        byte[] frame = new byte[length];
        frame[0] = type;
        return frame;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFirstFrames")
    void malformedFramesCloseTheLinkWithAReason(String name, byte[] frame, String reason) {
        ScriptedPeer peer = accept("bad");
        peer.link.receive(frame);
        nodes.settle();
        assertTrue(peer.link.closed, name + ": link closed");
        String detail = closedDetail();
        assertTrue(detail.contains(reason), name + ": reason '" + detail + "' mentions '" + reason + "'");
        assertTrue(node.mesh.links().isEmpty());
    }

    @Test
    void aWellBehavedNeighbourIsAuthenticatedAndItsMessagesArrive() throws Exception {
        ScriptedPeer peer = accept("good").handshake();
        LinkInfo link = node.mesh.links().get(0);
        assertEquals(LinkInfo.State.ESTABLISHED, link.state());
        assertEquals(peer.peerId(), link.peer().orElseThrow());
        peer.link.receive(peer.dataFrame(node.mesh.localPeer(), "chat", new byte[] {1, 2}));
        nodes.settle();
        assertEquals(peer.peerId(), node.received.get(0).source());
        assertArrayEquals(new byte[] {1, 2}, node.received.get(0).payload());

        nodes.await(node.mesh.send(peer.peerId(), "chat", new byte[] {3}));
        byte[] inner = peer.nextInner();
        assertEquals(LinkCodec.INNER_PACKET, inner[0]);
        Packet packet = Packet.decode(java.util.Arrays.copyOfRange(inner, 1, inner.length));
        assertEquals(NodeAddress.of(peer.peerId()), packet.destination);
        var opened = TestNodes.CRYPTO.open(peer.keys, packet.body);
        assertEquals(node.mesh.localPeer(), opened.sender(), "end-to-end signed by the node");
        assertArrayEquals(new byte[] {3}, EndToEnd.decode(opened.payload()).payload);
    }

    @Test
    void aNeighbourClaimingSomeoneElsesIdentityIsRefused() throws Exception {
        ScriptedPeer peer = accept("impostor");
        LocalNodeKeys victim = LocalNodeKeys.generate();
        LocalNodeKeys mallory = peer.keys;
        org.sovereignmesh.crypto.NodeKeys impostor = new org.sovereignmesh.crypto.NodeKeys() {
            public PeerId peerId() {
                return victim.peerId();
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
        NoiseHandshake handshake = TestNodes.CRYPTO.handshake(impostor, true, LinkCodec.PROLOGUE);
        peer.link.receive(LinkCodec.frame(LinkCodec.HANDSHAKE, handshake.writeMessage(new byte[0])));
        nodes.settle();
        handshake.readMessage(LinkCodec.body(peer.nextSent()));
        peer.link.receive(LinkCodec.frame(LinkCodec.HANDSHAKE, handshake.writeMessage(new byte[0])));
        nodes.settle();
        assertTrue(peer.link.closed);
        assertTrue(closedDetail().contains("does not sign its Noise static key"), closedDetail());
        assertFalse(node.mesh.neighbours().contains(victim.peerId()));
    }

    @Test
    void forgedOrDamagedSessionFramesCloseTheLink() throws Exception {
        ScriptedPeer peer = accept("forger").handshake();
        byte[] frame = peer.dataFrame(node.mesh.localPeer(), "chat", new byte[] {1});
        frame[frame.length - 1] ^= 1;
        peer.link.receive(frame);
        nodes.settle();
        assertTrue(peer.link.closed);
        assertTrue(closedDetail().contains("security check failed: authentication failed"), closedDetail());
    }

    @Test
    void anUnknownInnerMessageIsAProtocolError() throws Exception {
        ScriptedPeer peer = accept("odd").handshake();
        peer.link.receive(peer.secureFrame(new byte[] {0x55, 1, 2}));
        nodes.settle();
        assertTrue(peer.link.closed);
        assertTrue(closedDetail().contains("unknown inner message type 85"), closedDetail());
    }

    @Test
    void replayedFramesAndPacketsAreRefused() throws Exception {
        ScriptedPeer peer = accept("replayer").handshake();
        byte[] packet = peer.packet(node.mesh.localPeer(), "chat", new byte[] {7}, false);
        byte[] frame = peer.secureFrame(ScriptedPeer.inner(packet));
        peer.link.receive(frame);
        nodes.settle();
        assertEquals(1, node.received.size());
        // the same packet in a fresh session frame: the link is fine, the packet is dropped
        peer.link.receive(peer.secureFrame(ScriptedPeer.inner(packet)));
        nodes.settle();
        assertFalse(peer.link.closed);
        assertEquals(1, node.received.size(), "a replayed end-to-end packet is not delivered twice");
        // the same session frame again: a replay at the link layer closes the link
        peer.link.receive(frame);
        nodes.settle();
        assertTrue(peer.link.closed);
        assertTrue(closedDetail().contains("replayed frame"), closedDetail());
    }

    @Test
    void endToEndPacketsThatFailTheirChecksAreDroppedWithoutClosingTheLink() throws Exception {
        ScriptedPeer peer = accept("relay").handshake();
        // sealed for someone else: a relay could pass it on innocently
        peer.link.receive(peer.dataFrame(TestNodes.randomPeer(), "chat", new byte[] {1}));
        byte[] damaged = peer.packet(node.mesh.localPeer(), "chat", new byte[] {2}, false);
        damaged[damaged.length - 70] ^= 1;
        peer.link.receive(peer.secureFrame(ScriptedPeer.inner(damaged)));
        nodes.settle();
        assertFalse(peer.link.closed);
        assertTrue(node.received.isEmpty());
        peer.link.receive(peer.dataFrame(node.mesh.localPeer(), "chat", new byte[] {3}));
        nodes.settle();
        assertEquals(1, node.received.size());
    }

    @Test
    void aSilentNeighbourIsDroppedAfterTheHandshakeTimeout() {
        ScriptedPeer peer = accept("silent");
        nodes.clock.runFor(Duration.ofSeconds(4));
        assertFalse(peer.link.closed);
        assertTrue(peer.link.sent.isEmpty(), "the responder waits for the initiator");
        nodes.clock.runFor(Duration.ofSeconds(2));
        assertTrue(peer.link.closed);
        assertTrue(closedDetail().contains("did not complete the handshake"), closedDetail());
    }

    @Test
    void randomGarbageNeverBreaksTheNode() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            ScriptedPeer peer = accept("fuzz" + i);
            if (random.nextBoolean()) {
                peer.handshake();
            }
            byte[] garbage = new byte[random.nextInt(120)];
            random.nextBytes(garbage);
            if (garbage.length > 1) {
                garbage[0] = (byte) (1 + random.nextInt(4));
            }
            peer.link.receive(garbage);
        }
        nodes.clock.runFor(Duration.ofSeconds(30));
        ScriptedPeer good = accept("good").handshake();
        good.link.receive(good.dataFrame(node.mesh.localPeer(), "chat", new byte[] {1, 2}));
        nodes.settle();
        assertFalse(good.link.closed);
        assertEquals(good.peerId(), node.received.get(node.received.size() - 1).source());
    }

    @Test
    void aFloodingNeighbourIsCutOffBeforeMemoryRunsOut() throws Exception {
        NodeSettings settings = new NodeSettings();
        settings.maxPendingInboundBytesPerLink = 64 * 1024;
        TestNodes.Node small = nodes.node(settings);
        ScriptedTransport flooded = new ScriptedTransport();
        small.mesh.addTransport(flooded, "test");
        nodes.settle();
        ScriptedPeer peer = new ScriptedPeer(nodes, flooded.accept("flood"));
        nodes.settle();
        peer.handshake();
        byte[] packet = peer.packet(small.mesh.localPeer(), "flood", new byte[4000], false);
        // the node's loop does not run while the neighbour floods: valid frames pile up until the bound
        for (int i = 0; i < 100; i++) {
            peer.link.receive(peer.secureFrame(ScriptedPeer.inner(packet)));
        }
        nodes.settle();
        assertTrue(peer.link.closed);
        String detail = small.events.stream().filter(e -> e.kind() == TransportEvent.Kind.LINK_CLOSED)
                .map(TransportEvent::detail).findFirst().orElse("");
        assertTrue(detail.contains("faster than the node can process"), detail);
    }

    private String closedDetail() {
        return node.events.stream().filter(e -> e.kind() == TransportEvent.Kind.LINK_CLOSED)
                .reduce((first, second) -> second).map(TransportEvent::detail).orElse("(no LINK_CLOSED event)");
    }
}
