package org.sovereignmesh.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.transport.TransportEvent;

/** Whatever a neighbour sends, the node closes that link with a clear reason and keeps serving everyone else. */
class HostileNeighbourTest {
    private final TestNodes nodes = new TestNodes();
    private final TestNodes.Node node = nodes.node(shortHandshake());
    private final ScriptedTransport transport = new ScriptedTransport();

    HostileNeighbourTest() {
        node.mesh.addTransport(transport, "test");
        nodes.settle();
    }

    private ScriptedTransport.ScriptedLink accept(String name) {
        ScriptedTransport.ScriptedLink link = transport.accept(name);
        nodes.clock.runFor(Duration.ofMillis(1));
        return link;
    }

    private static NodeSettings shortHandshake() {
        NodeSettings settings = new NodeSettings();
        settings.handshakeTimeout = Duration.ofSeconds(5);
        return settings;
    }

    static List<Object[]> badFrames() {
        PeerId someone = TestNodes.randomPeer();
        byte[] hello = LinkCodec.hello(someone);
        return List.of(
                new Object[] {"empty frame", new byte[0], "shorter than its header"},
                new Object[] {"unknown version", new byte[] {9, 1}, "unsupported link protocol version 9"},
                new Object[] {"unknown type", new byte[] {1, 77}, "unknown frame type 77"},
                new Object[] {"truncated HELLO", java.util.Arrays.copyOf(hello, 20), "HELLO of 20 bytes"},
                new Object[] {"DATA before HELLO", LinkCodec.data("x", new byte[3]), "DATA before the neighbour identified"});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFrames")
    void malformedFramesCloseTheLinkWithAReason(String name, byte[] frame, String reason) {
        ScriptedTransport.ScriptedLink link = accept("bad");
        nodes.settle();
        link.receive(frame);
        nodes.settle();
        assertTrue(link.closed, name + ": link closed");
        String detail = closedDetail();
        assertTrue(detail.contains(reason), name + ": reason '" + detail + "' mentions '" + reason + "'");
        assertTrue(node.mesh.links().isEmpty());
    }

    @Test
    void badDataAfterHelloClosesTheLink() {
        ScriptedTransport.ScriptedLink link = accept("bad-data");
        link.receive(LinkCodec.hello(TestNodes.randomPeer()));
        nodes.settle();
        link.receive(new byte[] {1, 2, (byte) 200, 'a'});
        nodes.settle();
        assertTrue(link.closed);
        assertTrue(closedDetail().contains("channel length 200"), closedDetail());
    }

    @Test
    void aSecondHelloIsAProtocolError() {
        ScriptedTransport.ScriptedLink link = accept("twice");
        link.receive(LinkCodec.hello(TestNodes.randomPeer()));
        link.receive(LinkCodec.hello(TestNodes.randomPeer()));
        nodes.settle();
        assertTrue(link.closed);
        assertTrue(closedDetail().contains("second HELLO"), closedDetail());
    }

    @Test
    void aSilentNeighbourIsDroppedAfterTheHandshakeTimeout() {
        ScriptedTransport.ScriptedLink link = accept("silent");
        nodes.clock.runFor(Duration.ofSeconds(4));
        assertTrue(!link.closed);
        assertEquals(1, link.sent.size(), "the node introduced itself");
        nodes.clock.runFor(Duration.ofSeconds(2));
        assertTrue(link.closed);
        assertTrue(closedDetail().contains("did not identify itself"), closedDetail());
    }

    @Test
    void randomGarbageNeverBreaksTheNode() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            ScriptedTransport.ScriptedLink link = accept("fuzz" + i);
            if (random.nextBoolean()) {
                link.receive(LinkCodec.hello(TestNodes.randomPeer()));
            }
            byte[] garbage = new byte[random.nextInt(80)];
            random.nextBytes(garbage);
            if (garbage.length > 1 && random.nextBoolean()) {
                garbage[0] = 1;
            }
            link.receive(garbage);
        }
        nodes.clock.runFor(Duration.ofSeconds(30));
        // after all that, the node still links up and delivers
        ScriptedTransport.ScriptedLink good = accept("good");
        PeerId friend = TestNodes.randomPeer();
        good.receive(LinkCodec.hello(friend));
        good.receive(LinkCodec.data("chat", new byte[] {1, 2}));
        nodes.settle();
        assertTrue(!good.closed);
        assertEquals(friend, node.received.get(node.received.size() - 1).source());
        nodes.await(node.mesh.send(friend, "chat", new byte[] {3}));
        assertEquals(LinkCodec.DATA, good.sent.get(good.sent.size() - 1)[1]);
    }

    @Test
    void aFloodingNeighbourIsCutOffBeforeMemoryRunsOut() {
        NodeSettings settings = new NodeSettings();
        settings.maxPendingInboundBytesPerLink = 64 * 1024;
        TestNodes.Node small = nodes.node(settings);
        ScriptedTransport flooded = new ScriptedTransport();
        small.mesh.addTransport(flooded, "test");
        nodes.settle();
        ScriptedTransport.ScriptedLink link = flooded.accept("flood");
        nodes.settle();
        link.receive(LinkCodec.hello(TestNodes.randomPeer()));
        nodes.settle();
        // the node's loop does not run while the neighbour floods: valid frames pile up until the bound
        for (int i = 0; i < 100; i++) {
            link.receive(LinkCodec.data("flood", new byte[4000]));
        }
        nodes.settle();
        assertTrue(link.closed);
        String detail = small.events.stream().filter(e -> e.kind() == TransportEvent.Kind.LINK_CLOSED)
                .map(TransportEvent::detail).findFirst().orElse("");
        assertTrue(detail.contains("faster than the node can process"), detail);
    }

    private String closedDetail() {
        return node.events.stream().filter(e -> e.kind() == TransportEvent.Kind.LINK_CLOSED)
                .reduce((first, second) -> second).map(TransportEvent::detail).orElse("(no LINK_CLOSED event)");
    }
}
