package org.sovereignmesh.transport.ws.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sovereignmesh.transport.netty.internal.HostileBench.closedBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sovereignmesh.transport.netty.internal.HostileBench;

/** Hostile WebSocket clients on real loopback sockets, speaking the protocol by hand. */
class WsHostilePeersTest {
    private HostileBench<WsTransport> bench;

    @BeforeEach
    void start() throws Exception {
        bench = new HostileBench<>(WsTransport::new, "tcp");
    }

    @AfterEach
    void stop() throws Exception {
        bench.close();
    }

    /** Opens a WebSocket by hand: the upgrade request, then the 101 response. */
    private Socket upgraded() throws IOException {
        Socket s = bench.connect("127.0.0.2");
        OutputStream out = s.getOutputStream();
        out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + bench.port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
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

    @Test
    void aMessageAnnouncingMoreThanTheMtuIsRefusedFromItsHeader() throws Exception {
        Socket evil = upgraded();
        evil.getOutputStream().write(header(0x2, 1L << 31));
        evil.getOutputStream().flush();
        assertTrue(closedBy(evil).compareTo(Duration.ofSeconds(1)) < 0, "closed before any timeout");
        bench.assertTheNodeStillServesAFriend();
    }

    @Test
    void textMessagesAreAProtocolError() throws Exception {
        Socket evil = upgraded();
        evil.getOutputStream().write(header(0x1, 2));
        evil.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
        evil.getOutputStream().flush();
        assertTrue(closedBy(evil).compareTo(Duration.ofSeconds(1)) < 0, "closed at once");
        bench.assertTheNodeStillServesAFriend();
    }

    @Test
    void aSlowUpgradeIsCutOff() throws Exception {
        Socket evil = bench.connect("127.0.0.2");
        evil.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        evil.getOutputStream().flush();
        Duration took = closedBy(evil);
        assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "closed by the 1 s upgrade timeout: " + took);
        bench.assertTheNodeStillServesAFriend();
    }

    @Test
    void aPlainHttpRequestIsTurnedAway() throws Exception {
        Socket evil = bench.connect("127.0.0.2");
        evil.getOutputStream().write("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        evil.getOutputStream().flush();
        assertTrue(closedBy(evil).compareTo(Duration.ofSeconds(3)) < 0);
        bench.assertTheNodeStillServesAFriend();
    }
}
