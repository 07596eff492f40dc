package org.sovereignmesh.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.DeliveryReceipt;
import org.sovereignmesh.api.transport.FrameReceiver;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.LinkMode;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.api.transport.TransportContext;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.api.transport.TransportProfile;

/**
 * A shared broadcast medium with a tiny MTU (a LoRa-like channel, simplified to what the core needs): nodes announce
 * themselves, learn who they hear, and exchange sealed packets that only the addressee can open.
 */
class BroadcastLinkTest {
    private final TestNodes nodes = new TestNodes();

    /** Every frame reaches every other attached node; the MTU is the LoRa payload limit. */
    static final class Ether {
        final List<RadioTransport> radios = new CopyOnWriteArrayList<>();
        final List<byte[]> airtime = new CopyOnWriteArrayList<>();
    }

    static final class RadioTransport implements Transport {
        final Ether ether;
        final String name;
        volatile FrameReceiver receiver;
        volatile TransportContext context;

        RadioTransport(Ether ether, String name) {
            this.ether = ether;
            this.name = name;
        }

        public String id() {
            return "radio";
        }

        public TransportProfile profile() {
            return TransportProfile.builder().duplex(false).broadcast(true).lossy(true).mtu(255).bitrate(5470)
                    .latency(Duration.ofMillis(100)).dutyCycle(0.01).build();
        }

        public boolean supports(MeshAddress address) {
            return false;
        }

        public void start(TransportContext newContext) {
            context = newContext;
            ether.radios.add(this);
            newContext.incomingLink(new Link() {
                public MeshAddress remoteAddress() {
                    return MeshAddress.of("radio", "868.1");
                }

                public LinkMode mode() {
                    return LinkMode.BROADCAST;
                }

                public int mtu() {
                    return 255;
                }

                public void start(FrameReceiver frameReceiver) {
                    receiver = frameReceiver;
                }

                public CompletionStage<Void> send(byte[] frame) {
                    if (frame.length > 255) {
                        return CompletableFuture.failedFuture(new TransportException("frame exceeds the MTU"));
                    }
                    ether.airtime.add(frame);
                    for (RadioTransport other : ether.radios) {
                        if (other != RadioTransport.this && other.receiver != null) {
                            FrameReceiver target = other.receiver;
                            newContext.scheduler().schedule(() -> target.frameReceived(frame.clone()),
                                    Duration.ofMillis(100));
                        }
                    }
                    return CompletableFuture.completedFuture(null);
                }

                public void close() {
                }
            });
        }

        public void stop() {
            ether.radios.remove(this);
        }

        public CompletionStage<Link> connect(MeshAddress address) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException("broadcast only"));
        }
    }

    @Test
    void nodesOnABroadcastMediumHearEachOtherAndExchangeSealedPackets() throws Exception {
        Ether ether = new Ether();
        List<TestNodes.Node> all = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            TestNodes.Node node = nodes.node();
            node.mesh.addTransport(new RadioTransport(ether, name), "test");
            all.add(node);
        }
        nodes.clock.runFor(Duration.ofSeconds(1));
        // all three hear the later announcements; the first node announced before the others listened
        nodes.clock.runFor(Duration.ofMinutes(15));
        TestNodes.Node a = all.get(0);
        TestNodes.Node b = all.get(1);
        TestNodes.Node c = all.get(2);
        assertTrue(a.mesh.neighbours().containsAll(List.of(b.peer(), c.peer())), "a hears b and c");

        DeliveryReceipt receipt = nodes.await(a.mesh.send(b.peer(), "sensor", new byte[] {21, 5}));
        assertTrue(receipt.via().startsWith("radio "), receipt.via());
        nodes.clock.runFor(Duration.ofSeconds(1));
        assertEquals(1, b.received.size());
        assertEquals(a.peer(), b.received.get(0).source());
        assertTrue(c.received.isEmpty(), "c overheard the frame but could not open it");

        byte[] last = ether.airtime.stream().filter(f -> f[0] == LinkCodec.PACKET).reduce((x, y) -> y).orElseThrow();
        assertEquals(1 + Packet.HEADER + org.sovereignmesh.crypto.MeshCrypto.SEAL_OVERHEAD + EndToEnd.overhead("sensor") + 2,
                last.length, "documented overhead");
    }

    @Test
    void foreignFramesOnASharedMediumAreIgnoredNotFatal() throws Exception {
        Ether ether = new Ether();
        TestNodes.Node a = nodes.node();
        TestNodes.Node b = nodes.node();
        RadioTransport radioA = new RadioTransport(ether, "a");
        a.mesh.addTransport(radioA, "test");
        b.mesh.addTransport(new RadioTransport(ether, "b"), "test");
        nodes.clock.runFor(Duration.ofMinutes(15));
        for (byte[] foreign : List.of(new byte[0], new byte[] {(byte) 0x99, 1, 2}, new byte[] {LinkCodec.PACKET, 7},
                new byte[] {LinkCodec.FRAGMENT, 0, 0, 0, 1, 9, 0, 1}, new byte[] {LinkCodec.SECURE, 1, 2, 3})) {
            radioA.receiver.frameReceived(foreign);
        }
        nodes.clock.runFor(Duration.ofSeconds(1));
        assertEquals(1, a.mesh.links().size(), "the radio link stays up");
        nodes.await(b.mesh.send(a.peer(), "after", new byte[] {1}));
        nodes.clock.runFor(Duration.ofSeconds(1));
        assertEquals(1, a.received.size());
    }

    @Test
    void aMessageLargerThanAFrameTravelsInFragments() throws Exception {
        Ether ether = new Ether();
        TestNodes.Node a = nodes.node();
        TestNodes.Node b = nodes.node();
        a.mesh.addTransport(new RadioTransport(ether, "a"), "test");
        b.mesh.addTransport(new RadioTransport(ether, "b"), "test");
        nodes.clock.runFor(Duration.ofMinutes(15));
        byte[] payload = new byte[2000];
        new java.util.Random(5).nextBytes(payload);
        nodes.await(a.mesh.send(b.peer(), "bulk", payload));
        nodes.clock.runFor(Duration.ofSeconds(5));
        assertEquals(1, b.received.size());
        org.junit.jupiter.api.Assertions.assertArrayEquals(payload, b.received.get(0).payload());
        assertTrue(ether.airtime.stream().filter(f -> f[0] == LinkCodec.FRAGMENT).count() >= 9,
                "about 2.2 KB in 255-byte frames");
        assertTrue(ether.airtime.stream().allMatch(f -> f.length <= 255));
    }
}
