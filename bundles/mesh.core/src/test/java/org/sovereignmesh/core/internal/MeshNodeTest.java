package org.sovereignmesh.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.DeliveryException;
import org.sovereignmesh.api.DeliveryReceipt;
import org.sovereignmesh.api.DeliveryStatus;
import org.sovereignmesh.api.MeshMessage;
import org.sovereignmesh.api.transport.LinkInfo;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.TransportEvent;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.api.transport.TransportInfo;
import org.sovereignmesh.api.transport.TransportState;
import org.sovereignmesh.transport.loopback.internal.LoopbackTransport;

class MeshNodeTest {
    private final TestNodes nodes = new TestNodes();

    @Test
    void twoNodesLinkUpAndExchangeMessages() throws Exception {
        TestNodes.Node a = nodes.node();
        TestNodes.Node b = nodes.node();
        LoopbackTransport ta = TestNodes.loopback("loopback", "a", Duration.ofMillis(2));
        LoopbackTransport tb = TestNodes.loopback("loopback", "b", Duration.ofMillis(2));
        a.mesh.addTransport(ta, "test");
        b.mesh.addTransport(tb, "test");
        nodes.settle();

        LinkInfo link = nodes.await(a.mesh.connect(tb.address()));
        assertEquals(b.peer(), link.peer().orElseThrow());
        assertEquals(LinkInfo.State.ESTABLISHED, link.state());
        assertTrue(link.outbound());
        nodes.settle();
        assertEquals(Set.of(b.peer()), a.mesh.neighbours());
        assertEquals(Set.of(a.peer()), b.mesh.neighbours());

        DeliveryReceipt receipt = nodes.await(a.mesh.send(b.peer(), "chat", "hello".getBytes(StandardCharsets.UTF_8)));
        assertEquals(DeliveryStatus.SENT, receipt.status());
        assertEquals(b.peer(), receipt.destination());
        nodes.settle();
        assertEquals(1, b.received.size());
        MeshMessage got = b.received.get(0);
        assertEquals(a.peer(), got.source());
        assertEquals("chat", got.channel());
        assertEquals("hello", new String(got.payload(), StandardCharsets.UTF_8));

        List<TransportEvent.Kind> kinds = a.events.stream().map(TransportEvent::kind).collect(Collectors.toList());
        assertEquals(List.of(TransportEvent.Kind.TRANSPORT_ADDED, TransportEvent.Kind.TRANSPORT_CHANGED), kinds.subList(0, 2));
        assertTrue(kinds.contains(TransportEvent.Kind.LINK_ESTABLISHED));
    }

    @Test
    void messagesSentBeforeAnyLinkWaitForOne() throws Exception {
        TestNodes.Node a = nodes.node();
        TestNodes.Node b = nodes.node();
        LoopbackTransport ta = TestNodes.loopback("loopback", "a", Duration.ZERO);
        LoopbackTransport tb = TestNodes.loopback("loopback", "b", Duration.ZERO);
        a.mesh.addTransport(ta, "test");
        b.mesh.addTransport(tb, "test");
        var pending = a.mesh.send(b.peer(), "default", new byte[] {1, 2, 3}).toCompletableFuture();
        nodes.clock.runFor(Duration.ofSeconds(5));
        assertTrue(!pending.isDone(), "waits while there is no link");
        a.mesh.connect(tb.address());
        assertEquals(DeliveryStatus.SENT, nodes.await(pending).status());
        nodes.settle();
        assertEquals(1, b.received.size());
    }

    @Test
    void aBestEffortMessageWithoutAPathFailsWhenItsLifetimeEnds() {
        TestNodes.Node a = nodes.node();
        var pending = a.mesh.send(TestNodes.randomPeer(), "default", new byte[10]).toCompletableFuture();
        nodes.clock.runFor(Duration.ofSeconds(29));
        assertTrue(!pending.isDone());
        nodes.clock.runFor(Duration.ofSeconds(2));
        Exception e = assertThrows(Exception.class, () -> nodes.await(pending));
        assertTrue(e instanceof DeliveryException, e.toString());
        assertTrue(e.getMessage().startsWith("no path to z6Mk"), e.getMessage());
    }

    @Test
    void discoveredNeighboursAreConnectedAutomatically() throws Exception {
        TestNodes.Node a = nodes.node();
        TestNodes.Node b = nodes.node();
        LoopbackTransport ta = new LoopbackTransport("loopback", "disc-a-" + System.nanoTime(),
                org.sovereignmesh.api.transport.TransportProfile.builder().build(), true);
        LoopbackTransport tb = new LoopbackTransport("loopback", "disc-b-" + System.nanoTime(),
                org.sovereignmesh.api.transport.TransportProfile.builder().build(), true);
        a.mesh.addTransport(ta, "test");
        nodes.settle();
        b.mesh.addTransport(tb, "test");
        assertTrue(nodes.clock.runUntil(() -> a.mesh.neighbours().contains(b.peer())
                && b.mesh.neighbours().contains(a.peer()), Duration.ofSeconds(10)));
        assertEquals(1, a.mesh.links().size(), "one link per pair: only the node that heard the announcement connects");
    }

    @Test
    void aLinkToTheWrongPeerIsRefused() throws Exception {
        TestNodes.Node a = nodes.node();
        TestNodes.Node b = nodes.node();
        LoopbackTransport ta = TestNodes.loopback("loopback", "a", Duration.ZERO);
        LoopbackTransport tb = TestNodes.loopback("loopback", "b", Duration.ZERO);
        a.mesh.addTransport(ta, "test");
        b.mesh.addTransport(tb, "test");
        MeshAddress wrong = tb.address().withPeer(TestNodes.randomPeer());
        Exception e = assertThrows(TransportException.class, () -> nodes.await(a.mesh.connect(wrong)));
        assertTrue(e.getMessage().contains("expected peer"), e.getMessage());
        nodes.settle();
        assertTrue(a.mesh.links().isEmpty());
        assertTrue(a.mesh.neighbours().isEmpty());

        LinkInfo right = nodes.await(a.mesh.connect(tb.address().withPeer(b.peer())));
        assertEquals(b.peer(), right.peer().orElseThrow());
    }

    @Test
    void aNodeRefusesToLinkWithItself() throws Exception {
        TestNodes.Node a = nodes.node();
        LoopbackTransport one = new LoopbackTransport("lb-1", "loopback", "self1-" + System.nanoTime(),
                org.sovereignmesh.api.transport.TransportProfile.builder().build(), false);
        LoopbackTransport two = new LoopbackTransport("lb-2", "loopback", "self2-" + System.nanoTime(),
                org.sovereignmesh.api.transport.TransportProfile.builder().build(), false);
        a.mesh.addTransport(one, "test");
        a.mesh.addTransport(two, "test");
        Exception e = assertThrows(TransportException.class, () -> nodes.await(a.mesh.connect(two.address())));
        assertTrue(e.getMessage().contains("leads back to this node"), e.getMessage());
        Exception named = assertThrows(TransportException.class,
                () -> nodes.await(a.mesh.connect(two.address().withPeer(a.peer()))));
        assertTrue(named.getMessage().contains("names this node itself"), named.getMessage());
    }

    @Test
    void removingATransportMovesTrafficToAnotherLinkWithoutLoss() throws Exception {
        TestNodes.Node a = nodes.node();
        TestNodes.Node b = nodes.node();
        LoopbackTransport fastA = TestNodes.loopback("fast", "fa", Duration.ofMillis(1));
        LoopbackTransport fastB = TestNodes.loopback("fast", "fb", Duration.ofMillis(1));
        LoopbackTransport slowA = TestNodes.loopback("slow", "sa", Duration.ofMillis(40));
        LoopbackTransport slowB = TestNodes.loopback("slow", "sb", Duration.ofMillis(40));
        a.mesh.addTransport(fastA, "test");
        a.mesh.addTransport(slowA, "test");
        b.mesh.addTransport(fastB, "test");
        b.mesh.addTransport(slowB, "test");
        nodes.await(a.mesh.connect(fastB.address()));
        nodes.await(a.mesh.connect(slowB.address()));

        int count = 500;
        List<java.util.concurrent.CompletableFuture<DeliveryReceipt>> receipts = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            receipts.add(a.mesh.send(b.peer(), "stream", intBytes(i)).toCompletableFuture());
            if (i == count / 2) {
                nodes.clock.runFor(Duration.ofMillis(3));
                a.mesh.removeTransport(fastA);
            }
        }
        nodes.clock.runFor(Duration.ofSeconds(5));
        for (int i = 0; i < count; i++) {
            var r = receipts.get(i);
            assertTrue(r.isDone() && !r.isCompletedExceptionally(), "message " + i + " was sent: " + r);
        }
        assertTrue(receipts.get(0).get().via().startsWith("fast "), receipts.get(0).get().via());
        assertTrue(receipts.get(count - 1).get().via().startsWith("slow "), receipts.get(count - 1).get().via());
        Set<Integer> got = b.received.stream().map(m -> fromBytes(m.payload())).collect(Collectors.toSet());
        for (int i = 0; i < count; i++) {
            assertTrue(got.contains(i), "message " + i + " arrived");
        }
        assertEquals(1, a.mesh.links().size(), "the fast link was torn down with its transport");
        assertEquals("slow", a.mesh.links().get(0).transportId());
        assertTrue(a.events.stream().anyMatch(e -> e.kind() == TransportEvent.Kind.TRANSPORT_REMOVED));
    }

    @Test
    void theCheapestFastestLinkCarriesTraffic() throws Exception {
        TestNodes.Node a = nodes.node();
        TestNodes.Node b = nodes.node();
        LoopbackTransport slowA = TestNodes.loopback("slow", "sa", Duration.ofMillis(40));
        LoopbackTransport slowB = TestNodes.loopback("slow", "sb", Duration.ofMillis(40));
        LoopbackTransport fastA = TestNodes.loopback("fast", "fa", Duration.ofMillis(1));
        LoopbackTransport fastB = TestNodes.loopback("fast", "fb", Duration.ofMillis(1));
        for (var t : List.of(slowA, fastA)) {
            a.mesh.addTransport(t, "test");
        }
        for (var t : List.of(slowB, fastB)) {
            b.mesh.addTransport(t, "test");
        }
        nodes.await(a.mesh.connect(slowB.address()));
        nodes.await(a.mesh.connect(fastB.address()));
        DeliveryReceipt r = nodes.await(a.mesh.send(b.peer(), "x", new byte[100]));
        assertTrue(r.via().startsWith("fast "), r.via());
    }

    @Test
    void sendingToItselfDeliversLocally() throws Exception {
        TestNodes.Node a = nodes.node();
        DeliveryReceipt r = nodes.await(a.mesh.send(a.peer(), "loop", new byte[] {42}));
        assertEquals(DeliveryStatus.DELIVERED, r.status());
        nodes.settle();
        assertEquals(42, a.received.get(0).payload()[0]);
    }

    @Test
    void transportsThatFailOrClashAreListedWithTheReason() {
        TestNodes.Node a = nodes.node();
        LoopbackTransport first = TestNodes.loopback("loopback", "x", Duration.ZERO);
        LoopbackTransport clash = TestNodes.loopback("loopback", "y", Duration.ZERO);
        LoopbackTransport sameName = new LoopbackTransport("other", "loopback",
                first.address().value("loopback").orElseThrow(),
                org.sovereignmesh.api.transport.TransportProfile.builder().build(), false);
        a.mesh.addTransport(first, "bundle-1");
        a.mesh.addTransport(clash, "bundle-2");
        a.mesh.addTransport(sameName, "bundle-3");
        nodes.settle();
        List<TransportInfo> infos = a.mesh.transports();
        assertEquals(3, infos.size());
        TransportInfo failed = infos.stream().filter(t -> t.provider().equals("bundle-2")).findFirst().orElseThrow();
        assertEquals(TransportState.FAILED, failed.state());
        assertEquals("transport id 'loopback' is already used by bundle-1", failed.stateDetail());
        TransportInfo notStarted = infos.stream().filter(t -> t.id().equals("other")).findFirst().orElseThrow();
        assertEquals(TransportState.FAILED, notStarted.state());
        assertTrue(notStarted.stateDetail().contains("already taken"), notStarted.stateDetail());
        assertEquals(TransportState.ACTIVE, infos.stream().filter(t -> t.provider().equals("bundle-1")).findFirst()
                .orElseThrow().state());
    }

    @Test
    void invalidSendsAreRefusedAtOnce() {
        TestNodes.Node a = nodes.node();
        assertThrows(IllegalArgumentException.class, () -> a.mesh.send(a.peer(), "bad channel", new byte[1]));
        assertThrows(IllegalArgumentException.class,
                () -> a.mesh.send(a.peer(), "ok", new byte[a.mesh.maxPayloadSize() + 1]));
        assertThrows(NullPointerException.class, () -> a.mesh.send(null, "ok", new byte[1]));
    }

    @Test
    void closingTheNodeFailsWaitingMessagesAndStopsTransports() throws Exception {
        TestNodes.Node a = nodes.node();
        LoopbackTransport t = TestNodes.loopback("loopback", "closing", Duration.ZERO);
        a.mesh.addTransport(t, "test");
        nodes.settle();
        var pending = a.mesh.send(TestNodes.randomPeer(), "default", new byte[1]).toCompletableFuture();
        nodes.settle();
        a.mesh.close();
        Exception e = assertThrows(DeliveryException.class, () -> nodes.await(pending));
        assertTrue(e.getMessage().contains("node stopped"), e.getMessage());
        assertTrue(a.mesh.transports().isEmpty());
        var afterClose = TestNodes.loopback("loopback", "other", Duration.ZERO);
        Exception refused = assertThrows(TransportException.class, () -> nodes.await(t.connect(afterClose.address())));
        assertTrue(refused.getMessage().contains("stopped"), refused.getMessage());
    }

    static byte[] intBytes(int i) {
        return java.nio.ByteBuffer.allocate(4).putInt(i).array();
    }

    static int fromBytes(byte[] b) {
        return java.nio.ByteBuffer.wrap(b).getInt();
    }
}
