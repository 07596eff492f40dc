package org.sovereignmesh.transport.netty.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.DeliveryReceipt;
import org.sovereignmesh.api.MeshMessage;
import org.sovereignmesh.api.transport.LinkInfo;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.api.transport.TransportInfo;
import org.sovereignmesh.api.transport.TransportState;
import org.sovereignmesh.core.internal.RealNodes;

/**
 * What every internet transport must do, checked with two real {@link org.sovereignmesh.core.internal.MeshNode}s
 * talking over loopback sockets. Each transport's test extends this and says how to build the transport.
 */
public abstract class TransportContractTest {
    protected static final Duration WAIT = Duration.ofSeconds(20);
    protected final RealNodes nodes = new RealNodes();
    private final List<Transport> started = new ArrayList<>();

    /** @return a transport with the given settings, not yet started */
    protected abstract Transport create(String id, TransportSettings settings);

    /** @return the port protocol and suffix of this transport's addresses, for example {@code ["tcp", "ws"]} */
    protected abstract List<String> shape();

    /** @return whether the medium may lose frames (then only the link's survival is checked under load) */
    protected boolean lossy() {
        return false;
    }

    /** @return settings for tests: loopback, a free port, short timeouts */
    protected TransportSettings testSettings() {
        return TransportSettings.defaults(0).withListen("127.0.0.1", 0)
                .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @AfterEach
    void closeNodes() throws Exception {
        nodes.close();
        for (Transport t : started) {
            t.stop();
        }
    }

    /** Adds a transport to {@code node} and waits until it is ACTIVE with its addresses. */
    protected TransportInfo attach(RealNodes.Node node, Transport transport) throws InterruptedException {
        started.add(transport);
        node.mesh.addTransport(transport, "test");
        TransportInfo[] info = new TransportInfo[1];
        RealNodes.eventually(transport.id() + " active with addresses", WAIT, () -> {
            info[0] = node.mesh.transports().stream().filter(t -> t.id().equals(transport.id())).findFirst()
                    .orElse(null);
            return info[0] != null && info[0].state() != TransportState.STARTING
                    && (info[0].state() != TransportState.ACTIVE || !info[0].localAddresses().isEmpty());
        });
        return info[0];
    }

    /** @return {@code /ip4/<host>/<shape with port>} (no validation of the host) */
    protected MeshAddress address(String host, int port) {
        StringBuilder text = new StringBuilder("/ip4/" + host + "/" + shape().get(0) + "/" + port);
        for (String protocol : shape().subList(1, shape().size())) {
            text.append('/').append(protocol);
        }
        return MeshAddress.parse(text.toString());
    }

    protected MeshAddress loopbackAddress(TransportInfo info) {
        return info.localAddresses().stream().filter(a -> a.toString().startsWith("/ip4/127.0.0.1/")).findFirst()
                .orElseThrow(() -> new AssertionError("no loopback address in " + info.localAddresses()));
    }

    /** Two nodes with this transport, A linked to B; returns B's address. */
    protected MeshAddress linkedPair(RealNodes.Node a, RealNodes.Node b) throws Exception {
        attach(a, create("t", testSettings()));
        MeshAddress target = loopbackAddress(attach(b, create("t", testSettings())));
        LinkInfo link = RealNodes.await(a.mesh.connect(target.withPeer(b.peer())), WAIT);
        assertEquals(b.peer(), link.peer().orElseThrow());
        RealNodes.eventually("B sees A as neighbour", WAIT, () -> b.mesh.neighbours().contains(a.peer()));
        return target;
    }

    @Test
    void reportsTheRealListeningAddressesNotTheWildcardOrPortZero() throws Exception {
        RealNodes.Node a = nodes.node();
        TransportInfo info = attach(a, create("t", testSettings().withListen("0.0.0.0", 0)));
        assertEquals(TransportState.ACTIVE, info.state(), info.stateDetail());
        assertFalse(info.localAddresses().isEmpty());
        for (MeshAddress address : info.localAddresses()) {
            assertFalse(address.toString().contains("/0.0.0.0/"), address.toString());
            List<String> protocols = address.protocols();
            assertEquals(shape(), protocols.subList(1, protocols.size()), address.toString());
            assertNotEquals("0", address.value(shape().get(0)).orElseThrow(), address.toString());
        }
        loopbackAddress(info);
    }

    @Test
    void twoNodesExchangeMessagesOfEverySizeUpToTheMaximum() throws Exception {
        RealNodes.Node a = nodes.node();
        RealNodes.Node b = nodes.node();
        linkedPair(a, b);
        Random random = new Random(42);
        int[] sizes = {1, 100, 1500, 20_000, a.mesh.maxPayloadSize()};
        for (int size : sizes) {
            byte[] payload = new byte[size];
            random.nextBytes(payload);
            DeliveryReceipt receipt = RealNodes.await(a.mesh.send(b.peer(), "test", payload), WAIT);
            assertTrue(receipt.via().startsWith("t "), receipt.via());
            RealNodes.eventually(size + " bytes received", WAIT,
                    () -> b.received.stream().anyMatch(m -> m.payload().length == size));
            MeshMessage got = b.received.stream().filter(m -> m.payload().length == size).findFirst().orElseThrow();
            assertArrayEquals(payload, got.payload());
            assertEquals(a.peer(), got.source());
        }
        RealNodes.await(b.mesh.send(a.peer(), "reply", new byte[] {7}), WAIT);
        RealNodes.eventually("reply received", WAIT, () -> a.received.size() == 1);
    }

    @Test
    void reachesAPeerByIpv6AndByName() throws Exception {
        RealNodes.Node server = nodes.node();
        TransportInfo listening = attach(server, create("t", testSettings().withListen("::", 0)));
        MeshAddress v6 = listening.localAddresses().stream().filter(a -> a.toString().startsWith("/ip6/::1/"))
                .findFirst().orElseThrow(() -> new AssertionError("no ::1 address in " + listening.localAddresses()));
        String port = v6.value(shape().get(0)).orElseThrow();
        MeshAddress byName = MeshAddress.parse(v6.toString().replace("/ip6/::1/", "/dns/localhost/"));
        int expected = 0;
        for (MeshAddress target : List.of(v6, byName)) {
            RealNodes.Node client = nodes.node();
            attach(client, create("t", testSettings().withListen("::", 0))); // a UDP client sends from this socket
            LinkInfo link = RealNodes.await(client.mesh.connect(target.withPeer(server.peer())), WAIT);
            assertEquals(server.peer(), link.peer().orElseThrow(), target.toString());
            RealNodes.await(client.mesh.send(server.peer(), "x", new byte[] {1}), WAIT);
            int count = ++expected;
            RealNodes.eventually("message via " + target, WAIT, () -> server.received.size() == count);
        }
        assertTrue(byName.toString().contains("/" + port), byName.toString());
    }

    @Test
    void aThousandMessagesAllArrive() throws Exception {
        RealNodes.Node a = nodes.node();
        RealNodes.Node b = nodes.node();
        linkedPair(a, b);
        int count = 1000;
        List<CompletableFuture<DeliveryReceipt>> receipts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] payload = ByteBuffer.allocate(1024).putInt(i).array();
            receipts.add(a.mesh.send(b.peer(), "bulk", payload).toCompletableFuture());
            if (i % 100 == 99) {
                RealNodes.await(receipts.get(i), WAIT); // keeps a lossy medium's receive buffer from overflowing
            }
        }
        for (CompletableFuture<DeliveryReceipt> r : receipts) {
            RealNodes.await(r, WAIT);
        }
        RealNodes.eventually(count + " messages received (got " + b.received.size() + ")", WAIT,
                () -> b.received.size() >= count);
        Set<Integer> seen = new HashSet<>();
        for (MeshMessage m : b.received) {
            seen.add(m.payloadBuffer().getInt());
        }
        assertEquals(count, seen.size());
    }

    @Test
    void aReceiverThatFallsBehindSlowsTheSenderDownInsteadOfLosingTheLink() throws Exception {
        RealNodes.Node a = nodes.node();
        RealNodes.Node b = nodes.node();
        linkedPair(a, b);
        int count = 400; // 24 MiB, more than the core lets a link have waiting (16 MiB)
        b.loop.execute(() -> {
            try {
                Thread.sleep(1500); // B's node is busy: what arrives meanwhile must wait, not overflow
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<CompletableFuture<DeliveryReceipt>> receipts = new ArrayList<>();
        byte[] payload = new byte[a.mesh.maxPayloadSize()];
        for (int i = 0; i < count; i++) {
            receipts.add(a.mesh.send(b.peer(), "bulk", payload).toCompletableFuture());
        }
        for (CompletableFuture<DeliveryReceipt> r : receipts) {
            RealNodes.await(r, WAIT);
        }
        if (!lossy()) {
            RealNodes.eventually(count + " messages received (got " + b.received.size() + ")", WAIT,
                    () -> b.received.size() == count);
        } else {
            RealNodes.eventually("messages received", WAIT, () -> !b.received.isEmpty());
        }
        assertTrue(b.events.stream().noneMatch(e -> e.kind() == org.sovereignmesh.api.transport.TransportEvent.Kind.LINK_CLOSED),
                "no link was closed: " + b.events);
        assertEquals(1, b.mesh.links().size());
    }

    @Test
    void stoppingATransportClosesItsLinksOnBothSides() throws Exception {
        RealNodes.Node a = nodes.node();
        RealNodes.Node b = nodes.node();
        linkedPair(a, b);
        Transport aTransport = started.get(0);
        a.mesh.removeTransport(aTransport);
        RealNodes.eventually("A's links closed", WAIT, () -> a.mesh.links().isEmpty());
        // told by the closing side, not found out by the idle timeout (10 s here)
        RealNodes.eventually("B noticed the link closed", Duration.ofSeconds(3), () -> b.mesh.links().isEmpty());
        aTransport.stop(); // idempotent
    }

    @Test
    void aDisabledTransportIsListedUnavailableAndSupportsNothing() throws Exception {
        RealNodes.Node a = nodes.node();
        Transport disabled = create("t", testSettings().withEnabled(false));
        TransportInfo info = attach(a, disabled);
        RealNodes.eventually("unavailable", WAIT, () -> a.mesh.transports().get(0).state() == TransportState.UNAVAILABLE);
        assertTrue(a.mesh.transports().get(0).stateDetail().contains("disabled"));
        assertTrue(info.localAddresses().isEmpty());
        MeshAddress some = address("127.0.0.1", 9);
        assertFalse(disabled.supports(some), some.toString());
    }

    @Test
    void aPortInUseFailsTheStartWithAClearReason() throws Exception {
        RealNodes.Node a = nodes.node();
        RealNodes.Node b = nodes.node();
        TransportInfo first = attach(a, create("t", testSettings()));
        int port = Integer.parseInt(loopbackAddress(first).value(shape().get(0)).orElseThrow());
        TransportInfo second = attach(b, create("t", testSettings().withListen("127.0.0.1", port)));
        assertEquals(TransportState.FAILED, second.state());
        assertTrue(second.stateDetail().contains("cannot listen") && second.stateDetail().contains(String.valueOf(port)),
                second.stateDetail());
    }

    @Test
    void addressesItCannotReachAreRejected() throws Exception {
        RealNodes.Node a = nodes.node();
        Transport t = create("t", testSettings());
        attach(a, t);
        assertFalse(t.supports(MeshAddress.parse("/loopback/x")));
        assertFalse(t.supports(MeshAddress.parse("/ip4/127.0.0.1/sctp/1")));
        Exception e = assertThrows(Exception.class, () -> RealNodes.await(t.connect(
                address("999.1.1.1", 9)), WAIT));
        assertTrue(e.getMessage().contains("999.1.1.1"), e.getMessage());
    }
}
