package org.sovereignmesh.transport.udp.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sovereignmesh.transport.netty.internal.HostileBench.WAIT;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.ByteBuffer;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sovereignmesh.core.internal.RealNodes;
import org.sovereignmesh.transport.netty.internal.HostileBench;

/** Hostile UDP senders on real loopback sockets: bounded links and memory, and a friend is still served. */
class UdpHostilePeersTest {
    private HostileBench<UdpTransport> bench;

    @BeforeEach
    void start() throws Exception {
        bench = new HostileBench<>(UdpTransport::new, "udp");
    }

    @AfterEach
    void stop() throws Exception {
        bench.close();
    }

    private DatagramSocket socket(String from) throws IOException {
        return bench.datagramSocket(from);
    }

    private void send(DatagramSocket s, byte[] datagram) throws IOException {
        s.send(new DatagramPacket(datagram, datagram.length, bench.target()));
    }

    private static byte[] fragment(int messageId, int index, int count, int length) {
        return ByteBuffer.allocate(Datagrams.FRAGMENT_HEADER + length).put(Datagrams.FRAGMENT).putInt(messageId)
                .put((byte) index).put((byte) count).array();
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
        bench.assertTheNodeStillServesAFriend();
        RealNodes.eventually("the garbage link is gone", WAIT, () -> bench.serverTransport.udpLinks() == 1);
    }

    @Test
    void aReassemblyFloodHoldsBoundedMemory() throws Exception {
        DatagramSocket evil = socket("127.0.0.2");
        for (int id = 0; id < 2000; id++) {
            send(evil, fragment(id, 0, 255, 1150)); // the first piece of frames that never complete
        }
        Thread.sleep(300);
        assertTrue(bench.serverTransport.framesInProgress() <= Reassembly.MAX_PARTIAL_FRAMES,
                "frames in progress " + bench.serverTransport.framesInProgress());
        assertTrue(bench.serverTransport.reassemblyBytes() <= Reassembly.MAX_PARTIAL_FRAMES * 1150L,
                "bytes held " + bench.serverTransport.reassemblyBytes());
        RealNodes.eventually("fragments expire", WAIT, () -> bench.serverTransport.reassemblyBytes() == 0);
        bench.assertTheNodeStillServesAFriend();
    }

    @Test
    void newAddressesThatNeverCompleteAFrameAreBoundedPerSourceAndInTotal() throws Exception {
        for (int i = 0; i < 20; i++) {
            send(socket("127.0.0.2"), fragment(1, 0, 2, 100));
        }
        RealNodes.eventually("refusals", WAIT, () -> bench.serverTransport.refusedConnections() >= 17);
        assertTrue(bench.serverTransport.udpLinks() <= 3, "links from one source: " + bench.serverTransport.udpLinks());
        for (int source = 3; source < 10; source++) {
            for (int i = 0; i < 3; i++) {
                send(socket("127.0.0." + source), fragment(1, 0, 2, 100));
            }
        }
        RealNodes.eventually("refusals", WAIT, () -> bench.serverTransport.refusedConnections() >= 17 + 21 - 7);
        assertTrue(bench.serverTransport.udpLinks() <= 10, "pending links in total: " + bench.serverTransport.udpLinks());
        RealNodes.eventually("pending links expire", WAIT, () -> bench.serverTransport.udpLinks() == 0);
        bench.assertTheNodeStillServesAFriend();
    }
}
