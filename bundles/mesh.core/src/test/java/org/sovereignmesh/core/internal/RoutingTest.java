package org.sovereignmesh.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.DeliveryException;
import org.sovereignmesh.api.DeliveryReceipt;
import org.sovereignmesh.api.DeliveryStatus;
import org.sovereignmesh.api.SendOptions;
import org.sovereignmesh.api.transport.Transport;

/** Multi-hop routing, relaying, end-to-end acknowledgements and retries, on virtual time. */
class RoutingTest {
    private final TestNodes nodes = new TestNodes();

    private List<TestNodes.Node> chain(int length) throws Exception {
        List<TestNodes.Node> chain = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            chain.add(nodes.node());
        }
        for (int i = 0; i + 1 < length; i++) {
            nodes.link(chain.get(i), chain.get(i + 1));
        }
        return chain;
    }

    @Test
    void messagesCrossAChainOfRelaysAndAreAcknowledgedEndToEnd() throws Exception {
        List<TestNodes.Node> chain = chain(5);
        TestNodes.Node first = chain.get(0);
        TestNodes.Node last = chain.get(4);
        assertFalse(first.mesh.neighbours().contains(last.peer()));
        DeliveryReceipt receipt = nodes.await(first.mesh.send(last.peer(), "chat", new byte[] {1}, SendOptions.reliable()));
        assertEquals(DeliveryStatus.DELIVERED, receipt.status());
        assertEquals(16, receipt.messageId().length() > 0 ? 16 : 0);
        nodes.settle();
        assertEquals(1, last.received.size());
        assertEquals(first.peer(), last.received.get(0).source());
        for (TestNodes.Node relay : chain.subList(1, 4)) {
            assertTrue(relay.received.isEmpty(), "relays see no payload");
        }
        // the way back was learned: the next messages go without flooding, and still arrive once each
        for (int i = 0; i < 20; i++) {
            nodes.await(first.mesh.send(last.peer(), "chat", new byte[] {(byte) i}, SendOptions.reliable()));
        }
        nodes.settle();
        assertEquals(21, last.received.size());
    }

    @Test
    void aLinkIdleForDaysStillCarriesTrafficWithoutReconnecting() throws Exception {
        TestNodes.Node a = nodes.node();
        TestNodes.Node b = nodes.node();
        nodes.link(a, b);
        nodes.await(a.mesh.send(b.peer(), "chat", new byte[] {1}, SendOptions.reliable()));
        long linkId = a.mesh.links().get(0).id();
        nodes.clock.runFor(Duration.ofDays(3)); // hundreds of rekey intervals with nothing to send
        nodes.await(a.mesh.send(b.peer(), "chat", new byte[] {2}, SendOptions.reliable()));
        nodes.await(b.mesh.send(a.peer(), "chat", new byte[] {3}, SendOptions.reliable()));
        assertEquals(linkId, a.mesh.links().get(0).id(), "the same link throughout");
        assertEquals(1, a.mesh.links().size());
    }

    @Test
    void bestEffortMessagesAlsoCrossRelays() throws Exception {
        List<TestNodes.Node> chain = chain(3);
        DeliveryReceipt receipt = nodes.await(chain.get(0).mesh.send(chain.get(2).peer(), "x", new byte[] {7}));
        assertEquals(DeliveryStatus.SENT, receipt.status());
        nodes.clock.runFor(Duration.ofSeconds(1));
        assertEquals(1, chain.get(2).received.size());
    }

    @Test
    void reliableMessagesSurviveALossyLinkAndArriveExactlyOnce() throws Exception {
        TestNodes.Node a = nodes.node();
        TestNodes.Node b = nodes.node();
        nodes.link(a, b, Duration.ofMillis(20), 0.0);
        Transport[] lossy = nodes.link(a, b, Duration.ofMillis(20), 0.0);
        // both links lose 40% from now on: the handshakes are done
        for (Transport t : nodes.transportsOf(a, b)) {
            ((LossyTransport) t).lossRate = 0.4;
        }
        assertTrue(lossy.length == 2);
        List<CompletableFuture<DeliveryReceipt>> receipts = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            receipts.add(a.mesh.send(b.peer(), "data", ByteBuffer.allocate(4).putInt(i).array(), SendOptions.reliable())
                    .toCompletableFuture());
        }
        // an attempt gets through both ways 36% of the time; three hours of backoff allow about 40 attempts
        nodes.clock.runUntil(() -> receipts.stream().allMatch(CompletableFuture::isDone), Duration.ofHours(3));
        assertAllDelivered(receipts);
        nodes.settle();
        List<Integer> got = b.received.stream().map(m -> ByteBuffer.wrap(m.payload()).getInt()).collect(Collectors.toList());
        assertEquals(100, got.size(), "no duplicates reach the application");
        assertEquals(100, new HashSet<>(got).size());
        assertTrue(receipts.stream().anyMatch(r -> r.join().via().contains("attempts")), "some needed retries");
    }

    @Test
    void aRetryTriesAnotherRelayWhenTheFirstOneSwallowsPackets() throws Exception {
        TestNodes.Node source = nodes.node();
        TestNodes.Node hole = nodes.node();
        TestNodes.Node good = nodes.node();
        TestNodes.Node target = nodes.node();
        nodes.link(source, hole);
        nodes.link(source, good);
        Transport[] broken = nodes.link(hole, target, Duration.ofMillis(5), 0.0);
        nodes.link(good, target);
        for (Transport t : broken) {
            ((LossyTransport) t).lossRate = 1.0; // hole forwards into the void
        }
        // make the black hole the first choice: it is the route the node learned
        for (int i = 0; i < 5; i++) {
            DeliveryReceipt r = nodes.await(source.mesh.send(target.peer(), "x", new byte[] {(byte) i}, SendOptions.reliable()));
            assertEquals(DeliveryStatus.DELIVERED, r.status());
        }
        nodes.settle();
        assertEquals(5, target.received.size());
    }

    @Test
    void aRetryGoesBackThroughTheOnlyRelayThereIs() throws Exception {
        TestNodes.Node source = nodes.node();
        TestNodes.Node relay = nodes.node();
        TestNodes.Node target = nodes.node();
        nodes.link(source, relay);
        Transport[] beyond = nodes.link(relay, target, Duration.ofMillis(5), 0.0);
        nodes.settle();
        for (Transport t : beyond) {
            ((LossyTransport) t).lossRate = 1.0; // the relay's first attempts go into the void (a receiver that died)
        }
        CompletableFuture<DeliveryReceipt> receipt = source.mesh
                .send(target.peer(), "x", new byte[] {7}, SendOptions.reliable().withLifetime(Duration.ofHours(2)))
                .toCompletableFuture();
        nodes.clock.runFor(Duration.ofSeconds(20));
        assertFalse(receipt.isDone(), "swallowed so far");
        for (Transport t : beyond) {
            ((LossyTransport) t).lossRate = 0.0;
        }
        // the retries avoid the relay of the attempt before, unless it is the only way: then they go through it again
        assertEquals(DeliveryStatus.DELIVERED, nodes.await(receipt).status());
        nodes.settle();
        assertEquals(1, target.received.size());
    }

    @Test
    void twoNodesThatDialEachOtherKeepOneLinkTheSameAtBothEnds() throws Exception {
        TestNodes.Node a = nodes.node();
        TestNodes.Node b = nodes.node();
        Transport[] made = nodes.link(a, b); // a dials b
        org.sovereignmesh.api.transport.MeshAddress addressOfA =
                ((org.sovereignmesh.transport.loopback.internal.LoopbackTransport) ((LossyTransport) made[0]).inner())
                        .address();
        nodes.await(b.mesh.connect(addressOfA)); // and b dials a, over the same medium
        nodes.settle();
        List<org.sovereignmesh.api.transport.LinkInfo> atA = established(a);
        List<org.sovereignmesh.api.transport.LinkInfo> atB = established(b);
        assertEquals(1, atA.size(), atA.toString());
        assertEquals(1, atB.size(), atB.toString());
        boolean aIsSmaller = a.peer().compareTo(b.peer()) < 0;
        assertEquals(aIsSmaller, atA.get(0).outbound(), "the link the smaller peer id dialled stays");
        assertEquals(!aIsSmaller, atB.get(0).outbound());
        assertEquals(DeliveryStatus.DELIVERED,
                nodes.await(a.mesh.send(b.peer(), "x", new byte[] {1}, SendOptions.reliable())).status());
    }

    private static List<org.sovereignmesh.api.transport.LinkInfo> established(TestNodes.Node node) {
        return node.mesh.links().stream()
                .filter(l -> l.state() == org.sovereignmesh.api.transport.LinkInfo.State.ESTABLISHED)
                .collect(Collectors.toList());
    }

    @Test
    void aHeldPacketDoesNotHoldUpThePacketsBehindItThatHaveAWay() throws Exception {
        TestNodes.Node sender = nodes.node();
        TestNodes.Node relay = nodes.node();
        TestNodes.Node target = nodes.node();
        nodes.link(sender, relay);
        // the relay's own message for the target goes to the sender, its only neighbour, which may not send it back:
        // the sender holds it, first in the target's queue
        relay.mesh.send(target.peer(), "x", new byte[] {1}, SendOptions.reliable().withLifetime(Duration.ofHours(2)));
        nodes.clock.runFor(Duration.ofSeconds(1));
        CompletableFuture<DeliveryReceipt> receipt = sender.mesh
                .send(target.peer(), "x", new byte[] {2}, SendOptions.reliable().withLifetime(Duration.ofHours(2)))
                .toCompletableFuture();
        nodes.clock.runFor(Duration.ofSeconds(1));
        nodes.link(relay, target);
        assertEquals(DeliveryStatus.DELIVERED, nodes.await(receipt).status(), "it went to the relay, which held it");
    }

    @Test
    void aMessageWithoutAPathIsHeldAndDeliveredWhenOneAppears() throws Exception {
        TestNodes.Node a = nodes.node();
        TestNodes.Node relay = nodes.node();
        TestNodes.Node b = nodes.node();
        CompletableFuture<DeliveryReceipt> receipt = a.mesh
                .send(b.peer(), "later", new byte[] {9}, SendOptions.reliable().withLifetime(Duration.ofHours(2)))
                .toCompletableFuture();
        nodes.clock.runFor(Duration.ofMinutes(20));
        assertFalse(receipt.isDone(), "held while no path exists");
        nodes.link(a, relay);
        nodes.link(relay, b);
        assertEquals(DeliveryStatus.DELIVERED, nodes.await(receipt).status());
        nodes.settle();
        assertEquals(1, b.received.size());
    }

    @Test
    void aReliableMessageFailsWhenItsLifetimeEndsUnacknowledged() throws Exception {
        TestNodes.Node a = nodes.node();
        var receipt = a.mesh.send(TestNodes.randomPeer(), "x", new byte[1],
                SendOptions.reliable().withLifetime(Duration.ofMinutes(5))).toCompletableFuture();
        Exception e = assertThrows(DeliveryException.class, () -> nodes.await(receipt));
        assertTrue(e.getMessage().contains("not acknowledged by z6Mk"), e.getMessage());
        assertTrue(nodes.clock.nanoTime() >= Duration.ofMinutes(5).toNanos());
    }

    @Test
    void loopsAndFloodsNeverDeliverTwice() throws Exception {
        // a ring: every packet can come back around; duplicate detection stops it
        List<TestNodes.Node> ring = chain(6);
        nodes.link(ring.get(5), ring.get(0));
        TestNodes.Node a = ring.get(0);
        TestNodes.Node d = ring.get(3);
        for (int i = 0; i < 30; i++) {
            a.mesh.send(d.peer(), "ring", new byte[] {(byte) i}, SendOptions.reliable());
        }
        nodes.clock.runFor(Duration.ofMinutes(5));
        Set<Byte> got = new HashSet<>();
        for (var m : d.received) {
            assertTrue(got.add(m.payload()[0]), "message " + m.payload()[0] + " delivered once");
        }
        assertEquals(30, got.size());
    }

    /** Never blocks: on virtual time an unfinished stage would wait forever. */
    private static void assertAllDelivered(List<CompletableFuture<DeliveryReceipt>> receipts) {
        long open = receipts.stream().filter(r -> !r.isDone()).count();
        List<String> failures = receipts.stream().filter(CompletableFuture::isCompletedExceptionally)
                .map(r -> r.handle((ok, e) -> String.valueOf(e)).join()).distinct().collect(Collectors.toList());
        assertEquals(0, open, open + " receipts still open; failures: " + failures);
        assertTrue(failures.isEmpty(), "failures: " + failures);
        for (CompletableFuture<DeliveryReceipt> r : receipts) {
            assertEquals(DeliveryStatus.DELIVERED, r.join().status());
        }
    }

    @Test
    void handoverMidStreamLosesAndDuplicatesNothing() throws Exception {
        TestNodes.Node a = nodes.node();
        TestNodes.Node b = nodes.node();
        Transport[] fast = nodes.link(a, b, Duration.ofMillis(1), 0);
        nodes.link(a, b, Duration.ofMillis(30), 0);
        List<CompletableFuture<DeliveryReceipt>> receipts = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            receipts.add(a.mesh.send(b.peer(), "stream", ByteBuffer.allocate(4).putInt(i).array(), SendOptions.reliable())
                    .toCompletableFuture());
            if (i == 200) {
                nodes.clock.runFor(Duration.ofMillis(2));
                a.mesh.removeTransport(fast[0]);
                b.mesh.removeTransport(fast[1]);
            }
            if (i % 50 == 0) {
                nodes.clock.runFor(Duration.ofMillis(1));
            }
        }
        nodes.clock.runUntil(() -> receipts.stream().allMatch(CompletableFuture::isDone), Duration.ofMinutes(10));
        assertAllDelivered(receipts);
        nodes.settle();
        List<Integer> got = b.received.stream().map(m -> ByteBuffer.wrap(m.payload()).getInt()).collect(Collectors.toList());
        assertEquals(400, got.size(), "nothing delivered twice");
        assertEquals(400, new HashSet<>(got).size(), "nothing lost");
    }
}
