package org.sovereignmesh.transport.tcp.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.core.internal.RealNodes;
import org.sovereignmesh.transport.netty.internal.TransportSettings;

/**
 * Hostile peers on real loopback sockets: each one costs only its own connection, with a clear reason, and the node
 * keeps serving a well-behaved neighbour throughout.
 */
class TcpHostilePeersTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private final RealNodes nodes = new RealNodes();
    private final List<Socket> sockets = new ArrayList<>();
    private RealNodes.Node server;
    private RealNodes.Node friend;
    private TcpTransport serverTransport;
    private MeshAddress serverAddress;
    private int port;

    @BeforeEach
    void start() throws Exception {
        TransportSettings settings = TransportSettings.defaults(0).withListen("127.0.0.1", 0)
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(1),
                        Duration.ofSeconds(1))
                .withMtu(4096).withLimits(3, 10, 100);
        server = nodes.node(Duration.ofSeconds(2));
        serverTransport = new TcpTransport("tcp", settings);
        server.mesh.addTransport(serverTransport, "test");
        RealNodes.eventually("listening", WAIT, () -> !server.mesh.transports().isEmpty()
                && !server.mesh.transports().get(0).localAddresses().isEmpty());
        serverAddress = server.mesh.transports().get(0).localAddresses().get(0);
        port = Integer.parseInt(serverAddress.value("tcp").orElseThrow());
        friend = nodes.node();
        friend.mesh.addTransport(new TcpTransport("tcp", TransportSettings.defaults(0).withListen("127.0.0.1", 0)), "test");
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        nodes.close();
        serverTransport.stop();
    }

    private Socket connect(String fromAddress) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(fromAddress), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        s.setSoTimeout((int) WAIT.toMillis());
        sockets.add(s);
        return s;
    }

    /** @return how long the server took to close the connection (read returned end of stream or a reset) */
    private static Duration closedBy(Socket s) throws IOException {
        long start = System.nanoTime();
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // discard what the server says (its HELLO) until it hangs up
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open for " + WAIT);
        } catch (IOException reset) {
            // a reset is a close too
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private void assertTheNodeStillServesAFriend() throws Exception {
        String text = "still here " + System.nanoTime();
        RealNodes.await(friend.mesh.connect(serverAddress.withPeer(server.peer())), WAIT);
        RealNodes.await(friend.mesh.send(server.peer(), "t", text.getBytes()), WAIT);
        RealNodes.eventually("the friend's message arrived", WAIT,
                () -> server.received.stream().anyMatch(m -> new String(m.payload()).equals(text)));
    }

    @Test
    void anOversizedLengthClosesTheConnectionAtOnce() throws Exception {
        Socket evil = connect("127.0.0.2");
        DataOutputStream out = new DataOutputStream(evil.getOutputStream());
        out.writeInt(Integer.MAX_VALUE);
        out.flush();
        assertTrue(closedBy(evil).compareTo(Duration.ofSeconds(1)) < 0, "closed before any timeout");
        assertTheNodeStillServesAFriend();
    }

    @Test
    void aMalformedFrameClosesOnlyThatLink() throws Exception {
        Socket evil = connect("127.0.0.2");
        DataOutputStream out = new DataOutputStream(evil.getOutputStream());
        byte[] garbage = {9, 9, 9, 9, 9};
        out.writeInt(garbage.length);
        out.write(garbage);
        out.flush();
        assertTrue(closedBy(evil).compareTo(Duration.ofSeconds(1)) < 0, "the core refused the frame at once");
        assertTheNodeStillServesAFriend();
    }

    @Test
    void aSlowlorisThatNeverFinishesAFrameIsCutOff() throws Exception {
        Socket evil = connect("127.0.0.2");
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
        assertTheNodeStillServesAFriend();
    }

    @Test
    void aSilentConnectionIsClosedAfterTheFirstFrameTimeout() throws Exception {
        Socket silent = connect("127.0.0.2");
        Duration took = closedBy(silent);
        assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "closed after about 1 s: " + took);
        RealNodes.eventually("its admission released", WAIT, () -> serverTransport.pendingInbound() == 0);
    }

    @Test
    void aConnectionFloodIsBoundedPerSourceAndInTotal() throws Exception {
        List<Socket> flood = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            flood.add(connect("127.0.0.2"));
        }
        RealNodes.eventually("refusals counted", WAIT, () -> serverTransport.refusedConnections() >= 17);
        assertTrue(serverTransport.pendingInbound() <= 3, "at most 3 pending from one source: "
                + serverTransport.pendingInbound());
        for (int source = 3; source < 10; source++) {
            for (int i = 0; i < 3; i++) {
                flood.add(connect("127.0.0." + source));
            }
        }
        RealNodes.eventually("total bound", WAIT, () -> serverTransport.refusedConnections() >= 17 + 21 - 7);
        assertTrue(serverTransport.pendingInbound() <= 10, "at most 10 pending in total: "
                + serverTransport.pendingInbound());
        // a neighbour that speaks at once (its HELLO) still gets in once the silent ones time out
        RealNodes.eventually("silent connections expired", WAIT, () -> serverTransport.pendingInbound() == 0);
        assertTheNodeStillServesAFriend();
    }
}
