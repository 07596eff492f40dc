package org.sovereignmesh.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.Delivery;
import org.sovereignmesh.api.DeliveryException;
import org.sovereignmesh.api.SendOptions;
import org.sovereignmesh.api.status.DeliveryInfo;
import org.sovereignmesh.api.status.QueuedPacket;
import org.sovereignmesh.api.status.RouteInfo;

/** The node's status view (routes, queued packets, delivery history) follows what the node actually does. */
class MeshStatusTest {
    private final TestNodes nodes = new TestNodes();

    @Test
    void routesListNeighboursAndTheWayBackLearnedFromAcknowledgements() throws Exception {
        TestNodes.Node a = nodes.node();
        TestNodes.Node relay = nodes.node();
        TestNodes.Node b = nodes.node();
        nodes.link(a, relay);
        nodes.link(relay, b);
        nodes.await(a.mesh.send(b.peer(), "chat", new byte[] {1}, SendOptions.reliable()));

        List<RouteInfo> routes = a.mesh.routes();
        RouteInfo toRelay = routes.stream().filter(r -> r.kind() == RouteInfo.Kind.NEIGHBOUR).findFirst().orElseThrow();
        assertEquals(relay.peer(), toRelay.nextHop());
        assertEquals(Optional.of(relay.peer()), toRelay.destinationPeer());
        assertEquals(1, toRelay.links().size());
        assertTrue(toRelay.links().get(0).startsWith("m1 "), toRelay.links().toString());
        RouteInfo toB = routes.stream().filter(r -> r.kind() == RouteInfo.Kind.LEARNED).findFirst().orElseThrow();
        assertEquals(NodeAddress.hex(NodeAddress.of(b.peer())), toB.destination());
        assertEquals(relay.peer(), toB.nextHop());
        assertTrue(Math.abs(toB.updatedMillis() - nodes.clock.currentTimeMillis()) < 1000);
        assertEquals(2, routes.size(), routes.toString());
    }

    @Test
    void aHeldMessageIsQueuedAndWaitingThenDelivered() throws Exception {
        TestNodes.Node a = nodes.node();
        TestNodes.Node b = nodes.node();
        Delivery delivery = a.mesh.submit(b.peer(), "chat", new byte[100], SendOptions.reliable());
        nodes.clock.runFor(Duration.ofSeconds(10));

        List<QueuedPacket> queued = a.mesh.queued();
        assertEquals(1, queued.size());
        QueuedPacket held = queued.get(0);
        assertEquals(QueuedPacket.Kind.MESSAGE, held.kind());
        assertEquals(delivery.messageId(), held.messageId());
        assertEquals(Optional.of(b.peer()), held.destinationPeer());
        assertTrue(held.size() > 100 + 150, "packet includes sealing: " + held.size());
        assertTrue(held.expiresMillis() - nodes.clock.currentTimeMillis() > Duration.ofHours(23).toMillis());
        DeliveryInfo waiting = a.mesh.delivery(delivery.messageId()).orElseThrow();
        assertEquals(DeliveryInfo.State.WAITING, waiting.state());
        assertEquals("chat", waiting.channel());
        assertEquals(100, waiting.size());
        assertTrue(waiting.reliable());

        nodes.link(a, b);
        nodes.await(delivery.receipt());
        assertTrue(a.mesh.queued().isEmpty());
        DeliveryInfo delivered = a.mesh.delivery(delivery.messageId()).orElseThrow();
        assertEquals(DeliveryInfo.State.DELIVERED, delivered.state());
        assertTrue(delivered.detail().startsWith("acknowledged via m1"), delivered.detail());
        assertTrue(delivered.attempts() >= 1);
        // the upper-case form of an id finds it too; garbage is refused with a reason
        assertEquals(delivered.messageId(), a.mesh.delivery(delivery.messageId().toUpperCase()).orElseThrow().messageId());
        assertThrows(IllegalArgumentException.class, () -> a.mesh.delivery("not-hex"));
    }

    @Test
    void aRelayShowsPacketsInItsCustody() throws Exception {
        TestNodes.Node a = nodes.node();
        TestNodes.Node relay = nodes.node();
        TestNodes.Node b = nodes.node();
        nodes.link(a, relay);
        // b is unknown to both: the relay floods, finds nobody else, and keeps the packet
        a.mesh.submit(b.peer(), "chat", new byte[] {1}, SendOptions.bestEffort());
        nodes.clock.runFor(Duration.ofSeconds(1));
        List<QueuedPacket> custody = relay.mesh.queued();
        assertEquals(1, custody.size(), custody.toString());
        assertEquals(QueuedPacket.Kind.CUSTODY, custody.get(0).kind());
        assertEquals(Optional.empty(), custody.get(0).destinationPeer());
        assertEquals("", custody.get(0).messageId());
    }

    @Test
    void bestEffortAndFailedMessagesAreInTheHistoryNewestFirst() throws Exception {
        TestNodes.Node a = nodes.node();
        TestNodes.Node b = nodes.node();
        TestNodes.Node nobody = nodes.node();
        nodes.link(a, b);
        Delivery sent = a.mesh.submit(b.peer(), "chat", new byte[] {1}, SendOptions.bestEffort());
        nodes.await(sent.receipt());
        Delivery lost = a.mesh.submit(nobody.peer(), "chat", new byte[] {2},
                SendOptions.reliable().withLifetime(Duration.ofSeconds(20)));
        assertThrows(DeliveryException.class, () -> nodes.await(lost.receipt()));

        List<DeliveryInfo> history = a.mesh.deliveries(10);
        assertEquals(2, history.size());
        assertEquals(lost.messageId(), history.get(0).messageId());
        assertEquals(DeliveryInfo.State.FAILED, history.get(0).state());
        assertTrue(history.get(0).detail().contains("within its lifetime"), history.get(0).detail());
        assertEquals(DeliveryInfo.State.SENT, history.get(1).state());
        assertEquals(1, history.get(1).attempts());
        assertEquals(1, a.mesh.deliveries(1).size());
    }

    @Test
    void theHistoryIsBoundedButKeepsEveryMessageStillOnItsWay() throws Exception {
        NodeSettings settings = new NodeSettings();
        settings.deliveryHistory = 5;
        TestNodes.Node a = nodes.node(settings);
        TestNodes.Node b = nodes.node();
        TestNodes.Node unreachable = nodes.node();
        Delivery waiting = a.mesh.submit(unreachable.peer(), "chat", new byte[] {0}, SendOptions.reliable());
        nodes.link(a, b);
        for (int i = 0; i < 20; i++) {
            nodes.await(a.mesh.send(b.peer(), "chat", new byte[] {(byte) i}));
        }
        List<DeliveryInfo> history = a.mesh.deliveries(100);
        assertEquals(6, history.size());
        assertEquals(waiting.messageId(), history.get(5).messageId());
        assertEquals(DeliveryInfo.State.WAITING, history.get(5).state());
    }
}
