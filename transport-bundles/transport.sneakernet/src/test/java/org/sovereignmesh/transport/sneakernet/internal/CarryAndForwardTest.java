package org.sovereignmesh.transport.sneakernet.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sovereignmesh.api.DeliveryReceipt;
import org.sovereignmesh.api.DeliveryStatus;
import org.sovereignmesh.api.SendOptions;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.core.internal.RealNodes;
import org.sovereignmesh.transport.loopback.internal.LoopbackTransport;
import org.sovereignmesh.api.transport.TransportProfile;

/**
 * Real nodes and a stick that moves between their mount points (a folder renamed from one to the other): a message
 * for a node no network reaches travels on the stick, its acknowledgement comes back on it, and a node that imports
 * someone else's packet carries it on over its own links.
 */
class CarryAndForwardTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path root;

    private Transport stickPort(RealNodes.Node node, String mountPoint) {
        Transport t = new SneakernetTransport("usb", root.resolve(mountPoint), Duration.ofMillis(100), Duration.ofDays(30),
                65536);
        node.mesh.addTransport(t, "test");
        return t;
    }

    /** Moves the stick: the folder disappears from one mount point and appears at another. */
    private void move(String from, String to) throws Exception {
        Files.move(root.resolve(from), root.resolve(to));
    }

    @Test
    void aMessageAndItsAcknowledgementTravelOnAStick() throws Exception {
        try (RealNodes nodes = new RealNodes()) {
            RealNodes.Node a = nodes.node();
            RealNodes.Node b = nodes.node();
            Files.createDirectories(root.resolve("a-usb"));
            stickPort(a, "a-usb");
            stickPort(b, "b-usb");
            CompletableFuture<DeliveryReceipt> receipt = a.mesh.send(b.peer(), "letters", "hello across the gap".getBytes(),
                    SendOptions.reliable().withLifetime(Duration.ofHours(1))).toCompletableFuture();
            RealNodes.eventually("a wrote the held message to the stick", WAIT, () -> frameFiles("a-usb") >= 2);
            assertFalse(receipt.isDone());

            move("a-usb", "b-usb");
            RealNodes.eventually("b received it", WAIT, () -> b.received.size() == 1);
            assertEquals(a.peer(), b.received.get(0).source());
            assertEquals("hello across the gap", new String(b.received.get(0).payload()));
            RealNodes.eventually("b wrote its acknowledgement", WAIT, () -> frameFiles("b-usb") >= 4);

            move("b-usb", "a-usb");
            DeliveryReceipt delivered = RealNodes.await(receipt, WAIT);
            assertEquals(DeliveryStatus.DELIVERED, delivered.status());
            assertTrue(delivered.via().contains("usb"), delivered.via());
            assertEquals(1, b.received.size(), "delivered once");
        }
    }

    @Test
    void aNodeThatImportsSomeoneElsesPacketCarriesItOn() throws Exception {
        try (RealNodes nodes = new RealNodes()) {
            RealNodes.Node a = nodes.node();
            RealNodes.Node c = nodes.node();
            RealNodes.Node b = nodes.node();
            // c and b share a network; a reaches neither
            String medium = "lan" + System.nanoTime();
            LoopbackTransport atC = new LoopbackTransport("lan", medium, "c", TransportProfile.builder().build(), false);
            LoopbackTransport atB = new LoopbackTransport("lan", medium, "b", TransportProfile.builder().build(), false);
            c.mesh.addTransport(atC, "test");
            b.mesh.addTransport(atB, "test");
            RealNodes.await(c.mesh.connect(atB.address()), WAIT);
            Files.createDirectories(root.resolve("a-usb"));
            stickPort(a, "a-usb");
            stickPort(c, "c-usb");
            a.mesh.send(b.peer(), "letters", "via a courier".getBytes(), SendOptions.reliable().withLifetime(Duration.ofHours(1)));
            RealNodes.eventually("a wrote the held message to the stick", WAIT, () -> frameFiles("a-usb") >= 2);
            move("a-usb", "c-usb");
            RealNodes.eventually("b received it through c", WAIT, () -> b.received.size() == 1);
            assertEquals(a.peer(), b.received.get(0).source());
            assertTrue(c.received.isEmpty(), "the courier could not read it");
        }
    }

    private long frameFiles(String mountPoint) {
        Path frames = root.resolve(mountPoint).resolve(SneakernetTransport.DIRECTORY).resolve(SneakernetTransport.FRAMES);
        try (var files = Files.list(frames)) {
            return files.filter(f -> f.toString().endsWith(SneakernetTransport.SUFFIX)).count();
        } catch (Exception e) {
            return 0;
        }
    }
}
