package org.sovereignmesh.transport.quic.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sovereignmesh.transport.netty.internal.HostileBench.WAIT;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import org.sovereignmesh.core.internal.RealNodes;
import org.sovereignmesh.transport.netty.internal.NettyLoops;
import org.sovereignmesh.transport.netty.internal.HostileBench;

/** Hostile QUIC peers on real loopback sockets: a raw Netty QUIC client and raw datagrams. */
class QuicHostilePeersTest {
    private final EventLoopGroup group = NettyLoops.create("hostile-quic", 1);
    private final List<Channel> sockets = new ArrayList<>();
    private HostileBench<QuicTransport> bench;

    @BeforeEach
    void start() throws Exception {
        bench = new HostileBench<>(QuicTransport::new, "udp");
    }

    @AfterEach
    void stop() throws Exception {
        for (Channel s : sockets) {
            s.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        bench.close();
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
        return QuicChannel.newBootstrap(socket).remoteAddress(bench.target())
                .streamHandler(new ChannelInboundHandlerAdapter()).connect();
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
        bench.assertTheNodeStillServesAFriend();
    }

    @Test
    void aConnectionThatOpensNoStreamIsClosed() throws Exception {
        QuicChannel silent = connection("127.0.0.2");
        assertTrue(silent.closeFuture().await(WAIT.toMillis()), "closed after the first-frame timeout");
        RealNodes.eventually("admission released", WAIT, () -> bench.serverTransport.pendingInbound() == 0);
    }

    @Test
    void connectionFloodsAreBoundedPerSource() throws Exception {
        List<io.netty.util.concurrent.Future<QuicChannel>> flood = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            flood.add(connecting("127.0.0.2")); // all at once, faster than the 1 s first-frame timeout
        }
        RealNodes.eventually("refusals", WAIT, () -> bench.serverTransport.refusedConnections() >= 5);
        assertTrue(bench.serverTransport.pendingInbound() <= 3, "pending " + bench.serverTransport.pendingInbound());
        bench.assertTheNodeStillServesAFriend();
    }

    @Test
    void garbageDatagramsAreIgnored() throws Exception {
        Random random = new Random(3);
        try (DatagramSocket evil = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0))) {
            for (int i = 0; i < 500; i++) {
                byte[] junk = new byte[1 + random.nextInt(1300)];
                random.nextBytes(junk);
                evil.send(new DatagramPacket(junk, junk.length, bench.target()));
            }
        }
        bench.assertTheNodeStillServesAFriend();
    }
}
