package org.sovereignmesh.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.Delivery;
import org.sovereignmesh.api.DeliveryException;
import org.sovereignmesh.api.DeliveryReceipt;
import org.sovereignmesh.api.DeliveryStatus;
import org.sovereignmesh.api.SendOptions;
import org.sovereignmesh.api.status.DeliveryInfo;
import org.sovereignmesh.crypto.internal.LocalNodeKeys;

/**
 * Reliable messages, deliveries and custody survive a node going down: a node stopped and made again from the same
 * identity and journal carries on where the first one stopped. (Real processes killed with kill -9 are in the
 * itests.)
 */
class DurableDeliveryTest {
    private final TestNodes nodes = new TestNodes();

    @Test
    void aSenderThatRestartsStillDeliversItsAcceptedMessagesOnce() throws Exception {
        LocalNodeKeys keys = LocalNodeKeys.generate();
        MemoryJournal journal = new MemoryJournal();
        TestNodes.Node a = nodes.node(keys, journal);
        TestNodes.Node b = nodes.node();
        Delivery first = a.mesh.submit(b.peer(), "chat", "one".getBytes(), SendOptions.reliable());
        Delivery second = a.mesh.submit(b.peer(), "chat", "two".getBytes(), SendOptions.reliable());
        assertEquals(2, journal.size(NodeJournal.Section.OUTBOX), "stored before submit returned");
        nodes.clock.runFor(Duration.ofMinutes(1));
        a.mesh.close();
        assertThrows(DeliveryException.class, () -> nodes.await(first.receipt()));

        TestNodes.Node again = nodes.node(keys, journal);
        nodes.link(again, b);
        nodes.clock.runFor(Duration.ofMinutes(2));
        assertEquals(List.of("one", "two"), texts(b));
        assertEquals(0, journal.size(NodeJournal.Section.OUTBOX), "acknowledged messages leave the journal");
        assertEquals(DeliveryInfo.State.DELIVERED, again.mesh.delivery(first.messageId()).orElseThrow().state());
        assertEquals(DeliveryInfo.State.DELIVERED, again.mesh.delivery(second.messageId()).orElseThrow().state());
        assertEquals("chat", again.mesh.delivery(first.messageId()).orElseThrow().channel());
    }

    @Test
    void aReceiverThatRestartsAcknowledgesARetryInsteadOfDeliveringItAgain() throws Exception {
        LocalNodeKeys keys = LocalNodeKeys.generate();
        MemoryJournal journal = new MemoryJournal();
        TestNodes.Node a = nodes.node();
        TestNodes.Node b = nodes.node(keys, journal);
        var transports = nodes.link(a, b);
        ((LossyTransport) transports[1]).lossRate = 1.0; // b's acknowledgements never arrive
        CompletableFuture<DeliveryReceipt> receipt = a.mesh.send(b.peer(), "chat", "once".getBytes(),
                SendOptions.reliable()).toCompletableFuture();
        nodes.clock.runFor(Duration.ofSeconds(1));
        assertEquals(List.of("once"), texts(b));
        assertEquals(1, journal.size(NodeJournal.Section.DELIVERED));
        b.mesh.close();

        TestNodes.Node again = nodes.node(keys, journal);
        nodes.link(a, again);
        assertEquals(DeliveryStatus.DELIVERED, nodes.await(receipt).status());
        nodes.clock.runFor(Duration.ofSeconds(1));
        assertTrue(again.received.isEmpty(), "the retry was acknowledged, not delivered a second time");
    }

    @Test
    void aRelayKeepsPacketsInCustodyAcrossARestart() throws Exception {
        LocalNodeKeys relayKeys = LocalNodeKeys.generate();
        MemoryJournal journal = new MemoryJournal();
        TestNodes.Node a = nodes.node();
        TestNodes.Node relay = nodes.node(relayKeys, journal);
        TestNodes.Node b = nodes.node();
        nodes.link(a, relay);
        a.mesh.send(b.peer(), "chat", "carried".getBytes(), SendOptions.bestEffort());
        nodes.clock.runFor(Duration.ofSeconds(1));
        assertEquals(1, journal.size(NodeJournal.Section.CUSTODY), "held for lack of a path, and written down");
        a.mesh.close(); // the sender is gone for good
        relay.mesh.close();

        TestNodes.Node relayAgain = nodes.node(relayKeys, journal);
        nodes.clock.runFor(Duration.ofSeconds(1));
        assertEquals(1, relayAgain.mesh.queued().size());
        nodes.link(relayAgain, b);
        nodes.clock.runFor(Duration.ofSeconds(1));
        assertEquals(List.of("carried"), texts(b));
        assertEquals(0, journal.size(NodeJournal.Section.CUSTODY), "passed on: no longer in custody");
        assertTrue(relayAgain.received.isEmpty());
    }

    @Test
    void messagesWhoseLifetimeEndedWhileTheNodeWasDownFailAndLeaveTheJournal() throws Exception {
        LocalNodeKeys keys = LocalNodeKeys.generate();
        MemoryJournal journal = new MemoryJournal();
        TestNodes.Node a = nodes.node(keys, journal);
        Delivery doomed = a.mesh.submit(TestNodes.randomPeer(), "chat", new byte[] {1},
                SendOptions.reliable().withLifetime(Duration.ofMinutes(5)));
        nodes.clock.runFor(Duration.ofSeconds(1));
        a.mesh.close();
        nodes.clock.runFor(Duration.ofMinutes(10));

        TestNodes.Node again = nodes.node(keys, journal);
        nodes.clock.runFor(Duration.ofSeconds(1));
        DeliveryInfo info = again.mesh.delivery(doomed.messageId()).orElseThrow();
        assertEquals(DeliveryInfo.State.FAILED, info.state());
        assertTrue(info.detail().contains("within its lifetime"), info.detail());
        assertEquals(0, journal.size(NodeJournal.Section.OUTBOX));
    }

    @Test
    void damagedRecordsAreReportedAndRemovedAndTheRestResumes() throws Exception {
        LocalNodeKeys keys = LocalNodeKeys.generate();
        MemoryJournal journal = new MemoryJournal();
        TestNodes.Node a = nodes.node(keys, journal);
        TestNodes.Node b = nodes.node();
        a.mesh.submit(b.peer(), "chat", "intact".getBytes(), SendOptions.reliable());
        nodes.clock.runFor(Duration.ofSeconds(1));
        a.mesh.close();
        for (NodeJournal.Section section : NodeJournal.Section.values()) {
            journal.append(section, new byte[] {9, 9, 9});
            journal.append(section, new byte[0]);
            journal.append(section, new byte[] {1, 0});
        }

        TestNodes.Node again = nodes.node(keys, journal);
        nodes.clock.runFor(Duration.ofSeconds(1));
        assertEquals(1, journal.size(NodeJournal.Section.OUTBOX));
        assertEquals(0, journal.size(NodeJournal.Section.CUSTODY));
        assertEquals(0, journal.size(NodeJournal.Section.DELIVERED));
        nodes.link(again, b);
        nodes.clock.runFor(Duration.ofSeconds(5));
        assertEquals(List.of("intact"), texts(b));
    }

    @Test
    void aMessageThatCannotBeStoredIsRefusedAtOnceWithTheReason() throws Exception {
        NodeJournal full = new NodeJournal() {
            @Override
            public boolean durable() {
                return true;
            }

            @Override
            public long append(Section section, byte[] record) {
                throw new IllegalStateException("disk full");
            }

            @Override
            public void remove(Section section, long sequence) {
            }

            @Override
            public List<Entry> load(Section section) {
                return List.of();
            }

            @Override
            public String location() {
                return "a full disk";
            }
        };
        TestNodes.Node a = nodes.node(LocalNodeKeys.generate(), full);
        Delivery refused = a.mesh.submit(TestNodes.randomPeer(), "chat", new byte[] {1}, SendOptions.reliable());
        assertTrue(refused.receipt().toCompletableFuture().isCompletedExceptionally(), "failed before submit returned");
        DeliveryException e = assertThrows(DeliveryException.class, () -> nodes.await(refused.receipt()));
        assertTrue(e.getMessage().contains("could not be stored") && e.getMessage().contains("disk full"), e.getMessage());
        nodes.clock.runFor(Duration.ofSeconds(1));
        assertEquals(DeliveryInfo.State.FAILED, a.mesh.delivery(refused.messageId()).orElseThrow().state());
        // best effort needs no store
        TestNodes.Node b = nodes.node();
        nodes.link(a, b);
        assertEquals(DeliveryStatus.SENT, nodes.await(a.mesh.send(b.peer(), "chat", new byte[] {2})).status());
    }

    @Test
    void deliveredRecordsAreBoundedByCapacityAndRetention() throws Exception {
        MemoryJournal journal = new MemoryJournal();
        TestNodes.Node a = nodes.node();
        TestNodes.Node b = nodes.node(LocalNodeKeys.generate(), journal);
        nodes.link(a, b);
        for (int i = 0; i < 5; i++) {
            nodes.await(a.mesh.send(b.peer(), "chat", new byte[] {(byte) i}, SendOptions.reliable()));
        }
        assertEquals(5, journal.size(NodeJournal.Section.DELIVERED));
        nodes.clock.runFor(Duration.ofDays(31));
        nodes.await(a.mesh.send(b.peer(), "chat", new byte[] {9}, SendOptions.reliable()));
        assertEquals(1, journal.size(NodeJournal.Section.DELIVERED), "records older than the retention went");
    }

    @Test
    void aHandlerThatFailsLeavesTheMessageUnacknowledgedUntilItIsHandled() throws Exception {
        TestNodes.Node a = nodes.node();
        TestNodes.Node b = nodes.node();
        nodes.link(a, b);
        java.util.concurrent.atomic.AtomicInteger failuresLeft = new java.util.concurrent.atomic.AtomicInteger(2);
        List<String> stored = new java.util.concurrent.CopyOnWriteArrayList<>();
        b.mesh.addMessageHandler(java.util.Set.of("orders"), message -> {
            if (failuresLeft.getAndDecrement() > 0) {
                throw new IllegalStateException("database busy");
            }
            stored.add(new String(message.payload()));
        });
        Delivery order = a.mesh.submit(b.peer(), "orders", "order 1".getBytes(), SendOptions.reliable());
        nodes.clock.runFor(Duration.ofSeconds(2));
        assertEquals(DeliveryInfo.State.WAITING, a.mesh.delivery(order.messageId()).orElseThrow().state());
        assertEquals(DeliveryStatus.DELIVERED, nodes.await(order.receipt()).status());
        assertEquals(List.of("order 1"), stored, "handled once it could be, and only once");
        assertTrue(a.mesh.delivery(order.messageId()).orElseThrow().attempts() >= 3);
    }

    private static List<String> texts(TestNodes.Node node) {
        return node.received.stream().map(m -> new String(m.payload())).sorted().collect(java.util.stream.Collectors.toList());
    }
}
