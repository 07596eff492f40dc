package org.sovereignmesh.transport.udp.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.core.internal.RealNodes;
import org.sovereignmesh.transport.netty.internal.TransportSettings;

/** Hostile UDP senders on real loopback sockets: bounded links and memory, and a friend is still served. */
class UdpHostilePeersTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private final RealNodes nodes = new RealNodes();
    private final List<DatagramSocket> sockets = new ArrayList<>();
    private RealNodes.Node server;
    private RealNodes.Node friend;
    private UdpTransport serverTransport;
    private MeshAddress serverAddress;
    private InetSocketAddress target;

    @BeforeEach
    void start() throws Exception {
        TransportSettings settings = TransportSettings.defaults(0).withListen("127.0.0.1", 0)
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(1),
                        Duration.ofSeconds(1))
                .withLimits(3, 10, 100);
        server = nodes.node(Duration.ofSeconds(2));
        serverTransport = new UdpTransport("udp", settings);
        server.mesh.addTransport(serverTransport, "test");
        RealNodes.eventually("listening", WAIT, () -> !server.mesh.transports().isEmpty()
                && !server.mesh.transports().get(0).localAddresses().isEmpty());
        serverAddress = server.mesh.transports().get(0).localAddresses().get(0);
        target = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                Integer.parseInt(serverAddress.value("udp").orElseThrow()));
        friend = nodes.node();
        friend.mesh.addTransport(new UdpTransport("udp", TransportSettings.defaults(0).withListen("127.0.0.1", 0)), "test");
    }

    @AfterEach
    void stop() throws Exception {
        for (DatagramSocket s : sockets) {
            s.close();
        }
        nodes.close();
        serverTransport.stop();
    }

    private DatagramSocket socket(String from) throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(from), 0));
        sockets.add(s);
        return s;
    }

    private void send(DatagramSocket s, byte[] datagram) throws IOException {
        s.send(new DatagramPacket(datagram, datagram.length, target));
    }

    private static byte[] fragment(int messageId, int index, int count, int length) {
        return ByteBuffer.allocate(Datagrams.FRAGMENT_HEADER + length).put(Datagrams.FRAGMENT).putInt(messageId)
                .put((byte) index).put((byte) count).array();
    }

    private void assertTheNodeStillServesAFriend() throws Exception {
        String text = "still here " + System.nanoTime();
        RealNodes.await(friend.mesh.connect(serverAddress.withPeer(server.peer())), WAIT);
        RealNodes.await(friend.mesh.send(server.peer(), "t", text.getBytes()), WAIT);
        RealNodes.eventually("the friend's message arrived", WAIT,
                () -> server.received.stream().anyMatch(m -> new String(m.payload()).equals(text)));
    }

    @Test
    void garbageDatagramsAreDroppedAndCostNothingLasting() throws Exception {
        DatagramSocket evil = socket("127.0.0.2");
        Random random = new Random(1);
        for (int i = 0; i < 300; i++) {
            byte[] junk = new byte[random.nextInt(40)];
            random.nextBytes(junk);
            send(evil, junk);
        }
        send(evil, fragment(1, 5, 2, 10)); // index beyond count
        send(evil, fragment(2, 0, 0, 10)); // no fragments
        send(evil, fragment(3, 0, 1, 0)); // empty
        send(evil, new byte[] {Datagrams.FRAGMENT, 0}); // truncated header
        assertTheNodeStillServesAFriend();
        RealNodes.eventually("the garbage link is gone", WAIT, () -> serverTransport.udpLinks() == 1);
    }

    @Test
    void aReassemblyFloodHoldsBoundedMemory() throws Exception {
        DatagramSocket evil = socket("127.0.0.2");
        for (int id = 0; id < 2000; id++) {
            send(evil, fragment(id, 0, 255, 1150)); // the first piece of frames that never complete
        }
        Thread.sleep(300);
        assertTrue(serverTransport.framesInProgress() <= Reassembly.MAX_PARTIAL_FRAMES,
                "frames in progress " + serverTransport.framesInProgress());
        assertTrue(serverTransport.reassemblyBytes() <= Reassembly.MAX_PARTIAL_FRAMES * 1150L,
                "bytes held " + serverTransport.reassemblyBytes());
        RealNodes.eventually("fragments expire", WAIT, () -> serverTransport.reassemblyBytes() == 0);
        assertTheNodeStillServesAFriend();
    }

    @Test
    void newAddressesThatNeverCompleteAFrameAreBoundedPerSourceAndInTotal() throws Exception {
        for (int i = 0; i < 20; i++) {
            send(socket("127.0.0.2"), fragment(1, 0, 2, 100));
        }
        RealNodes.eventually("refusals", WAIT, () -> serverTransport.refusedConnections() >= 17);
        assertTrue(serverTransport.udpLinks() <= 3, "links from one source: " + serverTransport.udpLinks());
        for (int source = 3; source < 10; source++) {
            for (int i = 0; i < 3; i++) {
                send(socket("127.0.0." + source), fragment(1, 0, 2, 100));
            }
        }
        RealNodes.eventually("refusals", WAIT, () -> serverTransport.refusedConnections() >= 17 + 21 - 7);
        assertTrue(serverTransport.udpLinks() <= 10, "pending links in total: " + serverTransport.udpLinks());
        RealNodes.eventually("pending links expire", WAIT, () -> serverTransport.udpLinks() == 0);
        assertTheNodeStillServesAFriend();
    }
}
