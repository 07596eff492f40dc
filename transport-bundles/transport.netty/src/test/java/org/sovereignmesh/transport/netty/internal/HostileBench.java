package org.sovereignmesh.transport.netty.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.core.internal.RealNodes;

/**
 * What every hostile-peer test of a transport needs: a server node whose transport has short timeouts and small
 * limits (1 s timeouts, MTU 4096, 3 pending connections per source, 10 in all), a friendly node of the same
 * transport, raw sockets from other loopback addresses (127.0.0.x), and the check that the server still serves the
 * friend after the attack.
 */
public final class HostileBench<T extends NettyTransport> implements AutoCloseable {
    public static final Duration WAIT = Duration.ofSeconds(15);
    public final RealNodes.Node server;
    public final RealNodes.Node friend;
    public final T serverTransport;
    public final MeshAddress serverAddress;
    /** The server's port, for raw sockets. */
    public final int port;
    private final RealNodes nodes = new RealNodes();
    private final List<AutoCloseable> sockets = new ArrayList<>();

    /** @param portProtocol {@code tcp} or {@code udp} */
    public HostileBench(BiFunction<String, TransportSettings, T> factory, String portProtocol) throws Exception {
        TransportSettings settings = TransportSettings.defaults(0).withListen("127.0.0.1", 0)
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(1),
                        Duration.ofSeconds(1))
                .withMtu(4096).withLimits(3, 10, 100);
        server = nodes.node(Duration.ofSeconds(2));
        serverTransport = factory.apply("t", settings);
        server.mesh.addTransport(serverTransport, "test");
        RealNodes.eventually("listening", WAIT, () -> !server.mesh.transports().isEmpty()
                && !server.mesh.transports().get(0).localAddresses().isEmpty());
        serverAddress = server.mesh.transports().get(0).localAddresses().get(0);
        port = Integer.parseInt(serverAddress.value(portProtocol).orElseThrow());
        friend = nodes.node();
        friend.mesh.addTransport(factory.apply("t", TransportSettings.defaults(0).withListen("127.0.0.1", 0)), "test");
    }

    /** A TCP connection to the server from {@code fromAddress} (127.0.0.x), closed with the bench. */
    public Socket connect(String fromAddress) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress(InetAddress.getByName(fromAddress), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        s.setSoTimeout((int) WAIT.toMillis());
        return s;
    }

    /** A UDP socket on {@code fromAddress} (127.0.0.x), closed with the bench. */
    public DatagramSocket datagramSocket(String fromAddress) throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(fromAddress), 0));
        sockets.add(s);
        return s;
    }

    /** @return the server's socket address, for raw sockets */
    public InetSocketAddress target() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** @return how long the server took to close the connection (end of stream or a reset) */
    public static Duration closedBy(Socket s) throws IOException {
        long start = System.nanoTime();
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // discard what the server says (its handshake) until it hangs up
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open for " + WAIT);
        } catch (IOException reset) {
            // a reset is a close too
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** The friend links up and its message arrives. */
    public void assertTheNodeStillServesAFriend() throws Exception {
        String text = "still here " + System.nanoTime();
        RealNodes.await(friend.mesh.connect(serverAddress.withPeer(server.peer())), WAIT);
        RealNodes.await(friend.mesh.send(server.peer(), "t", text.getBytes()), WAIT);
        RealNodes.eventually("the friend's message arrived", WAIT,
                () -> server.received.stream().anyMatch(m -> new String(m.payload()).equals(text)));
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable s : sockets) {
            s.close();
        }
        nodes.close();
        serverTransport.stop();
    }
}
