package org.sovereignmesh.transport.quic.internal;

import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import io.netty.handler.codec.quic.Quic;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.AttributeKey;
import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.api.transport.TransportProfile;
import org.sovereignmesh.transport.netty.internal.InboundGate;
import org.sovereignmesh.transport.netty.internal.NettyAddresses;
import org.sovereignmesh.transport.netty.internal.NettyLink;
import org.sovereignmesh.transport.netty.internal.NettyTransport;
import org.sovereignmesh.transport.netty.internal.StreamPipeline;
import org.sovereignmesh.transport.netty.internal.TransportSettings;

/**
 * QUIC (RFC 9000, native quiche through Netty): one connection per link, carrying one bidirectional stream with the
 * same length-prefixed frames as TCP. Addresses {@code /ip4/<a>/udp/<port>/quic-v1}.
 *
 * <p><b>TLS.</b> QUIC requires TLS 1.3. At each start the transport makes a new self-signed certificate
 * ({@link SelfSignedCertificate}) and, as a client, accepts any server certificate; servers ask for none. This is
 * deliberate: the core authenticates every neighbour above the transport (a Noise handshake, checked against
 * {@code /p2p/} identities), identically on every medium, so QUIC's TLS serves only as QUIC's packet protection here and must never be
 * relied on for identity.
 *
 * <p>Inbound connections are admitted like TCP ones (per source IP and in total) and must open their stream within
 * the first-frame timeout; clients prove their address with a retry token before the server keeps any state.
 */
public final class QuicTransport extends NettyTransport {
    public static final int DEFAULT_PORT = 4003;
    static final String ALPN = "sovereign-mesh/1";
    static final List<String> SUFFIX = List.of("quic-v1");
    private static final AttributeKey<InboundGate.Ticket> TICKET = AttributeKey.valueOf("mesh.quic.ticket");
    private static final AttributeKey<Boolean> HAS_LINK = AttributeKey.valueOf("mesh.quic.link");
    private static final long MAX_DATA = 16L << 20;
    private static final long MAX_STREAM_DATA = 4L << 20;
    static final long CLOSE_GRACE_MILLIS = 500;

    private volatile Channel clientSocket;
    /** Open QUIC connections, inbound and outbound, so a stop can close them while their sockets still work. */
    private final Set<QuicChannel> connections = ConcurrentHashMap.newKeySet();

    public QuicTransport(String id, TransportSettings settings) {
        super(id, settings, profile(settings), "udp", SUFFIX);
    }

    /** Reliable streams over UDP, with user-space congestion control and packet protection: slower than TCP. */
    static TransportProfile profile(TransportSettings settings) {
        return TransportProfile.builder().duplex(true).lossy(false).mtu(settings.mtu).bitrate(250_000_000L)
                .latency(Duration.ofMillis(1)).cost(0).build();
    }

    @Override
    protected Channel bind(EventLoopGroup group, InetSocketAddress local) throws Exception {
        if (!Quic.isAvailable()) {
            throw new TransportException("native QUIC is not available on this platform: " + Quic.unavailabilityCause());
        }
        SelfSignedCertificate certificate = SelfSignedCertificate.create("sovereign-mesh", Instant.now());
        QuicSslContext tls = QuicSslContextBuilder.forServer(certificate.key, null, certificate.certificate)
                .applicationProtocols(ALPN).clientAuth(ClientAuth.NONE).build();
        ChannelHandler codec = new QuicServerCodecBuilder().sslContext(tls)
                .maxIdleTimeout(settings.idleTimeout.toMillis() + 5000, TimeUnit.MILLISECONDS)
                .initialMaxData(MAX_DATA)
                .initialMaxStreamDataBidirectionalLocal(MAX_STREAM_DATA)
                .initialMaxStreamDataBidirectionalRemote(MAX_STREAM_DATA)
                .initialMaxStreamsBidirectional(1)
                .initialMaxStreamsUnidirectional(0)
                .tokenHandler(InsecureQuicTokenHandler.INSTANCE)
                .handler(new ChannelInitializer<QuicChannel>() {
                    @Override
                    protected void initChannel(QuicChannel connection) {
                        connectionAccepted(connection);
                    }
                })
                .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
                    @Override
                    protected void initChannel(QuicStreamChannel stream) {
                        streamAccepted(stream);
                    }
                })
                .build();
        return new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, 4 << 20)
                .handler(codec).bind(local).sync().channel();
    }

    private void connectionAccepted(QuicChannel connection) {
        InetSocketAddress remote = (InetSocketAddress) connection.remoteSocketAddress();
        InboundGate.Ticket ticket = admit(connection, remote);
        if (ticket == null) {
            return;
        }
        connection.attr(TICKET).set(ticket);
        remember(connection);
        connection.closeFuture().addListener(f -> ticket.release());
        scheduler().schedule(() -> {
            if (connection.attr(HAS_LINK).get() == null && connection.isOpen()) {
                System.getLogger(QuicTransport.class.getName()).log(System.Logger.Level.INFO,
                        "quic connection from {0} opened no stream within {1} ms; closing", String.valueOf(remote),
                        Long.toString(settings.firstFrameTimeout.toMillis()));
                connection.close();
            }
        }, settings.firstFrameTimeout);
    }

    private void streamAccepted(QuicStreamChannel stream) {
        QuicChannel connection = stream.parent();
        if (connection.attr(HAS_LINK).setIfAbsent(Boolean.TRUE) != null || connection.attr(TICKET).get() == null) {
            stream.close(); // one link per connection
            return;
        }
        InetSocketAddress remote = (InetSocketAddress) connection.remoteSocketAddress();
        NettyLink link = new NettyLink(stream, NettyAddresses.toMeshAddress(remote, "udp", SUFFIX), settings.mtu,
                scheduler(), id, connection.attr(TICKET).get());
        StreamPipeline.install(stream.pipeline(), link, settings.mtu);
        stream.closeFuture().addListener(f -> connection.close());
        track(link, stream);
        handOver(link);
    }

    @Override
    protected CompletableFuture<Link> open(EventLoopGroup group, InetSocketAddress remote, MeshAddress address) {
        Channel socket;
        try {
            socket = clientSocket(group); // bound here, on the caller's thread: never block an event loop
        } catch (Exception e) {
            return CompletableFuture.failedFuture(new TransportException("quic client socket: " + e.getMessage(), e));
        }
        return resolve(group, remote).thenCompose(resolved -> connectResolved(socket, resolved, address));
    }

    private CompletableFuture<Link> connectResolved(Channel socket, InetSocketAddress remote, MeshAddress address) {
        CompletableFuture<Link> result = new CompletableFuture<>();
        Scheduler scheduler = scheduler();
        AtomicBoolean done = new AtomicBoolean();
        QuicChannel.newBootstrap(socket).remoteAddress(remote)
                .streamHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ctx.close(); // the server opens no streams of its own
                    }
                })
                .connect().addListener(f -> {
                    if (!f.isSuccess()) {
                        if (done.compareAndSet(false, true)) {
                            result.completeExceptionally(new TransportException("quic connect to " + address
                                    + " failed: " + f.cause().getMessage(), f.cause()));
                        }
                        return;
                    }
                    QuicChannel connection = (QuicChannel) f.getNow();
                    remember(connection);
                    NettyLink[] created = new NettyLink[1];
                    connection.createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInitializer<QuicStreamChannel>() {
                        @Override
                        protected void initChannel(QuicStreamChannel stream) {
                            NettyLink link = new NettyLink(stream, address, settings.mtu, scheduler, id, null);
                            StreamPipeline.install(stream.pipeline(), link, settings.mtu);
                            stream.closeFuture().addListener(c -> connection.close());
                            track(link, stream);
                            created[0] = link;
                        }
                    }).addListener(s -> {
                        if (s.isSuccess() && done.compareAndSet(false, true)) {
                            // a peer sees a QUIC stream only once data arrives on it: a keepalive announces the
                            // link at once, as accepting a TCP connection does
                            created[0].keepalive();
                            result.complete(created[0]);
                        } else if (done.compareAndSet(false, true)) {
                            connection.close();
                            result.completeExceptionally(new TransportException("quic stream to " + address
                                    + " failed: " + s.cause().getMessage(), s.cause()));
                        }
                    });
                });
        scheduler.schedule(() -> {
            if (done.compareAndSet(false, true)) {
                result.completeExceptionally(new TransportException("quic handshake with " + address
                        + " did not complete within " + settings.firstFrameTimeout.toMillis() + " ms"));
            }
        }, settings.firstFrameTimeout);
        return result;
    }

    /** One UDP socket carries every outbound connection; made on first use, closed with the event loops. */
    private synchronized Channel clientSocket(EventLoopGroup group) throws GeneralSecurityException, InterruptedException {
        Channel current = clientSocket;
        if (current != null && current.isOpen() && current.eventLoop().parent() == group) {
            return current;
        }
        QuicSslContext tls = QuicSslContextBuilder.forClient()
                // any certificate: identity is the core's business, see the class comment
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .applicationProtocols(ALPN).build();
        ChannelHandler codec = new QuicClientCodecBuilder().sslContext(tls)
                .maxIdleTimeout(settings.idleTimeout.toMillis() + 5000, TimeUnit.MILLISECONDS)
                .initialMaxData(MAX_DATA)
                .initialMaxStreamDataBidirectionalLocal(MAX_STREAM_DATA)
                .initialMaxStreamDataBidirectionalRemote(MAX_STREAM_DATA)
                .initialMaxStreamsBidirectional(0)
                .initialMaxStreamsUnidirectional(0)
                .build();
        clientSocket = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, 4 << 20)
                .handler(codec).bind(0).sync().channel();
        return clientSocket;
    }

    private void remember(QuicChannel connection) {
        connections.add(connection);
        connection.closeFuture().addListener(f -> connections.remove(connection));
    }

    /**
     * Closes every connection first and gives their CONNECTION_CLOSE frames a moment (at most
     * {@value #CLOSE_GRACE_MILLIS} ms in all) to leave before the sockets and event loops go, so peers learn of the
     * stop at once instead of by their idle timeout.
     */
    @Override
    protected void stopping() {
        List<QuicChannel> open = List.copyOf(connections);
        for (QuicChannel connection : open) {
            connection.close();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_GRACE_MILLIS);
        for (QuicChannel connection : open) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || connection.eventLoop().inEventLoop()) {
                break;
            }
            connection.closeFuture().awaitUninterruptibly(TimeUnit.NANOSECONDS.toMillis(left));
        }
        clientSocket = null; // closed with the event loop group
    }
}
