package org.sovereignmesh.transport.tcp.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sovereignmesh.transport.netty.internal.HostileBench.WAIT;
import static org.sovereignmesh.transport.netty.internal.HostileBench.closedBy;

import java.io.DataOutputStream;
import java.net.Socket;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sovereignmesh.core.internal.RealNodes;
import org.sovereignmesh.transport.netty.internal.HostileBench;

/**
 * Hostile peers on real loopback sockets: each one costs only its own connection, with a clear reason, and the node
 * keeps serving a well-behaved neighbour throughout.
 */
class TcpHostilePeersTest {
    private HostileBench<TcpTransport> bench;

    @BeforeEach
    void start() throws Exception {
        bench = new HostileBench<>(TcpTransport::new, "tcp");
    }

    @AfterEach
    void stop() throws Exception {
        bench.close();
    }

    @Test
    void anOversizedLengthClosesTheConnectionAtOnce() throws Exception {
        Socket evil = bench.connect("127.0.0.2");
        DataOutputStream out = new DataOutputStream(evil.getOutputStream());
        out.writeInt(Integer.MAX_VALUE);
        out.flush();
        assertTrue(closedBy(evil).compareTo(Duration.ofSeconds(1)) < 0, "closed before any timeout");
        bench.assertTheNodeStillServesAFriend();
    }

    @Test
    void aMalformedFrameClosesOnlyThatLink() throws Exception {
        Socket evil = bench.connect("127.0.0.2");
        DataOutputStream out = new DataOutputStream(evil.getOutputStream());
        byte[] garbage = {9, 9, 9, 9, 9};
        out.writeInt(garbage.length);
        out.write(garbage);
        out.flush();
        assertTrue(closedBy(evil).compareTo(Duration.ofSeconds(1)) < 0, "the core refused the frame at once");
        bench.assertTheNodeStillServesAFriend();
    }

    @Test
    void aSlowlorisThatNeverFinishesAFrameIsCutOff() throws Exception {
        Socket evil = bench.connect("127.0.0.2");
        DataOutputStream out = new DataOutputStream(evil.getOutputStream());
        out.writeInt(0); // a keepalive: the connection has framed once
        out.writeShort(0); // half of the next length ...
        out.flush();
        Thread.sleep(400);
        out.writeByte(0); // ... trickled
        out.flush();
        Duration took = closedBy(evil);
        assertTrue(took.compareTo(Duration.ofMillis(300)) > 0 && took.compareTo(Duration.ofSeconds(3)) < 0,
                "closed by the partial-frame timeout of 1 s: " + took);
        bench.assertTheNodeStillServesAFriend();
    }

    @Test
    void aSilentConnectionIsClosedAfterTheFirstFrameTimeout() throws Exception {
        Socket silent = bench.connect("127.0.0.2");
        Duration took = closedBy(silent);
        assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "closed after about 1 s: " + took);
        RealNodes.eventually("its admission released", WAIT, () -> bench.serverTransport.pendingInbound() == 0);
    }

    @Test
    void aConnectionFloodIsBoundedPerSourceAndInTotal() throws Exception {
        TcpTransport server = bench.serverTransport;
        for (int i = 0; i < 20; i++) {
            bench.connect("127.0.0.2");
        }
        RealNodes.eventually("refusals counted", WAIT, () -> server.refusedConnections() >= 17);
        assertTrue(server.pendingInbound() <= 3, "at most 3 pending from one source: " + server.pendingInbound());
        for (int source = 3; source < 10; source++) {
            for (int i = 0; i < 3; i++) {
                bench.connect("127.0.0." + source);
            }
        }
        RealNodes.eventually("total bound", WAIT, () -> server.refusedConnections() >= 17 + 21 - 7);
        assertTrue(server.pendingInbound() <= 10, "at most 10 pending in total: " + server.pendingInbound());
        // a neighbour that speaks at once (its handshake) still gets in once the silent ones time out
        RealNodes.eventually("silent connections expired", WAIT, () -> server.pendingInbound() == 0);
        bench.assertTheNodeStillServesAFriend();
    }
}
