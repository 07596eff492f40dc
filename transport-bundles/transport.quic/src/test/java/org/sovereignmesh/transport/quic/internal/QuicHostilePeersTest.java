package org.sovereignmesh.transport.quic.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.core.internal.RealNodes;
import org.sovereignmesh.transport.netty.internal.NettyLoops;
import org.sovereignmesh.transport.netty.internal.TransportSettings;

/** Hostile QUIC peers on real loopback sockets: a raw Netty QUIC client and raw datagrams. */
class QuicHostilePeersTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private final RealNodes nodes = new RealNodes();
    private final EventLoopGroup group = NettyLoops.create("hostile-quic", 1);
    private final List<Channel> sockets = new ArrayList<>();
    private RealNodes.Node server;
    private RealNodes.Node friend;
    private QuicTransport serverTransport;
    private MeshAddress serverAddress;
    private InetSocketAddress target;

    @BeforeEach
    void start() throws Exception {
        TransportSettings settings = TransportSettings.defaults(0).withListen("127.0.0.1", 0)
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(1),
                        Duration.ofSeconds(1))
                .withMtu(4096).withLimits(3, 10, 100);
        server = nodes.node(Duration.ofSeconds(2));
        serverTransport = new QuicTransport("quic", settings);
        server.mesh.addTransport(serverTransport, "test");
        RealNodes.eventually("listening", WAIT, () -> !server.mesh.transports().isEmpty()
                && !server.mesh.transports().get(0).localAddresses().isEmpty());
        serverAddress = server.mesh.transports().get(0).localAddresses().get(0);
        target = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                Integer.parseInt(serverAddress.value("udp").orElseThrow()));
        friend = nodes.node();
        friend.mesh.addTransport(new QuicTransport("quic", TransportSettings.defaults(0).withListen("127.0.0.1", 0)),
                "test");
    }

    @AfterEach
    void stop() throws Exception {
        for (Channel s : sockets) {
            s.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        nodes.close();
        serverTransport.stop();
    }

    /** A QUIC connection to the server from {@code from}, as any QUIC client would open it. */
    private QuicChannel connection(String from) throws Exception {
        return connecting(from).get(10, TimeUnit.SECONDS);
    }

    private io.netty.util.concurrent.Future<QuicChannel> connecting(String from) throws Exception {
        Channel socket = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new QuicClientCodecBuilder()
                        .sslContext(QuicSslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                                .applicationProtocols(QuicTransport.ALPN).build())
                        .maxIdleTimeout(30, TimeUnit.SECONDS).initialMaxData(1 << 20)
                        .initialMaxStreamDataBidirectionalLocal(1 << 20).build())
                .bind(new InetSocketAddress(InetAddress.getByName(from), 0)).sync().channel();
        sockets.add(socket);
        return QuicChannel.newBootstrap(socket).remoteAddress(target)
                .streamHandler(new ChannelInboundHandlerAdapter()).connect();
    }

    private void assertTheNodeStillServesAFriend() throws Exception {
        String text = "still here " + System.nanoTime();
        RealNodes.await(friend.mesh.connect(serverAddress.withPeer(server.peer())), WAIT);
        RealNodes.await(friend.mesh.send(server.peer(), "t", text.getBytes()), WAIT);
        RealNodes.eventually("the friend's message arrived", WAIT,
                () -> server.received.stream().anyMatch(m -> new String(m.payload()).equals(text)));
    }

    @Test
    void anOversizedLengthOnTheStreamClosesTheConnection() throws Exception {
        QuicChannel evil = connection("127.0.0.2");
        QuicStreamChannel stream = evil.createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInboundHandlerAdapter())
                .get(5, TimeUnit.SECONDS);
        long start = System.nanoTime();
        stream.writeAndFlush(Unpooled.buffer().writeInt(Integer.MAX_VALUE).writeByte(1)).sync();
        assertTrue(evil.closeFuture().await(WAIT.toMillis()), "the server closed the connection");
        assertTrue(System.nanoTime() - start < 1_000_000_000L, "before any timeout");
        assertTheNodeStillServesAFriend();
    }

    @Test
    void aConnectionThatOpensNoStreamIsClosed() throws Exception {
        QuicChannel silent = connection("127.0.0.2");
        assertTrue(silent.closeFuture().await(WAIT.toMillis()), "closed after the first-frame timeout");
        RealNodes.eventually("admission released", WAIT, () -> serverTransport.pendingInbound() == 0);
    }

    @Test
    void connectionFloodsAreBoundedPerSource() throws Exception {
        List<io.netty.util.concurrent.Future<QuicChannel>> flood = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            flood.add(connecting("127.0.0.2")); // all at once, faster than the 1 s first-frame timeout
        }
        RealNodes.eventually("refusals", WAIT, () -> serverTransport.refusedConnections() >= 5);
        assertTrue(serverTransport.pendingInbound() <= 3, "pending " + serverTransport.pendingInbound());
        assertTheNodeStillServesAFriend();
    }

    @Test
    void garbageDatagramsAreIgnored() throws Exception {
        Random random = new Random(3);
        try (DatagramSocket evil = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0))) {
            for (int i = 0; i < 500; i++) {
                byte[] junk = new byte[1 + random.nextInt(1300)];
                random.nextBytes(junk);
                evil.send(new DatagramPacket(junk, junk.length, target));
            }
        }
        assertTheNodeStillServesAFriend();
    }
}
