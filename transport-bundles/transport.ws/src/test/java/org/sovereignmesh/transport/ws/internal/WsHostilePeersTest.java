package org.sovereignmesh.transport.ws.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.core.internal.RealNodes;
import org.sovereignmesh.transport.netty.internal.TransportSettings;

/** Hostile WebSocket clients on real loopback sockets, speaking the protocol by hand. */
class WsHostilePeersTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private final RealNodes nodes = new RealNodes();
    private final List<Socket> sockets = new ArrayList<>();
    private RealNodes.Node server;
    private RealNodes.Node friend;
    private WsTransport serverTransport;
    private MeshAddress serverAddress;
    private int port;

    @BeforeEach
    void start() throws Exception {
        TransportSettings settings = TransportSettings.defaults(0).withListen("127.0.0.1", 0)
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(1),
                        Duration.ofSeconds(1))
                .withMtu(4096).withLimits(3, 10, 100);
        server = nodes.node(Duration.ofSeconds(2));
        serverTransport = new WsTransport("ws", settings);
        server.mesh.addTransport(serverTransport, "test");
        RealNodes.eventually("listening", WAIT, () -> !server.mesh.transports().isEmpty()
                && !server.mesh.transports().get(0).localAddresses().isEmpty());
        serverAddress = server.mesh.transports().get(0).localAddresses().get(0);
        port = Integer.parseInt(serverAddress.value("tcp").orElseThrow());
        friend = nodes.node();
        friend.mesh.addTransport(new WsTransport("ws", TransportSettings.defaults(0).withListen("127.0.0.1", 0)), "test");
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        nodes.close();
        serverTransport.stop();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        s.setSoTimeout((int) WAIT.toMillis());
        sockets.add(s);
        return s;
    }

    /** Opens a WebSocket by hand: the upgrade request, then the 101 response. */
    private Socket upgraded() throws IOException {
        Socket s = connect();
        OutputStream out = s.getOutputStream();
        out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("closed during the upgrade: " + head);
            }
            head.write(b);
        }
        assertTrue(head.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101"), head.toString());
        return s;
    }

    /** A masked client frame header (mask key zero, so the payload is sent as is). */
    private static byte[] header(int opcode, long length) {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.write(0x80 | opcode);
        if (length < 126) {
            h.write(0x80 | (int) length);
        } else {
            h.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                h.write((int) (length >>> (8 * i)) & 0xff);
            }
        }
        h.writeBytes(new byte[4]);
        return h.toByteArray();
    }

    private static Duration closedBy(Socket s) throws IOException {
        long start = System.nanoTime();
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // discard until the server hangs up
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
    void aMessageAnnouncingMoreThanTheMtuIsRefusedFromItsHeader() throws Exception {
        Socket evil = upgraded();
        evil.getOutputStream().write(header(0x2, 1L << 31));
        evil.getOutputStream().flush();
        assertTrue(closedBy(evil).compareTo(Duration.ofSeconds(1)) < 0, "closed before any timeout");
        assertTheNodeStillServesAFriend();
    }

    @Test
    void textMessagesAreAProtocolError() throws Exception {
        Socket evil = upgraded();
        evil.getOutputStream().write(header(0x1, 2));
        evil.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
        evil.getOutputStream().flush();
        assertTrue(closedBy(evil).compareTo(Duration.ofSeconds(1)) < 0, "closed at once");
        assertTheNodeStillServesAFriend();
    }

    @Test
    void aSlowUpgradeIsCutOff() throws Exception {
        Socket evil = connect();
        evil.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        evil.getOutputStream().flush();
        Duration took = closedBy(evil);
        assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "closed by the 1 s upgrade timeout: " + took);
        assertTheNodeStillServesAFriend();
    }

    @Test
    void aPlainHttpRequestIsTurnedAway() throws Exception {
        Socket evil = connect();
        evil.getOutputStream().write("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        evil.getOutputStream().flush();
        assertTrue(closedBy(evil).compareTo(Duration.ofSeconds(3)) < 0);
        assertTheNodeStillServesAFriend();
    }
}
