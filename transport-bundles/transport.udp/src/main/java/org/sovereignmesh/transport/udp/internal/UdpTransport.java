package org.sovereignmesh.transport.udp.internal;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import org.sovereignmesh.api.time.Cancellable;
import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.api.transport.TransportProfile;
import org.sovereignmesh.transport.netty.internal.InboundGate;
import org.sovereignmesh.transport.netty.internal.NettyAddresses;
import org.sovereignmesh.transport.netty.internal.NettyTransport;
import org.sovereignmesh.transport.netty.internal.TransportSettings;

/**
 * UDP: one socket, one link per remote address. The first datagram from a new address opens an inbound link (bounded
 * like inbound connections: per source IP, in total, and by {@code maxLinks}); frames larger than
 * {@code datagramSize} are fragmented and reassembled with bounded memory ({@value #REASSEMBLY_BUDGET} bytes for all
 * links) and a timeout (the partial-frame timeout). Lossy: a lost fragment loses its frame, and the profile says so.
 * Addresses {@code /ip4/<a>/udp/<port>}.
 */
public final class UdpTransport extends NettyTransport {
    public static final int DEFAULT_PORT = 4001;
    /** Bytes of unfinished frames the transport holds for all its links together. */
    static final long REASSEMBLY_BUDGET = 8L << 20;
    static final List<String> SUFFIX = List.of();
    private static final int SOCKET_BUFFER = 4 << 20;

    private final Map<InetSocketAddress, UdpLink> links = new ConcurrentHashMap<>();
    private final AtomicLong reassemblyBudget = new AtomicLong(REASSEMBLY_BUDGET);
    private volatile Cancellable expiry;

    public UdpTransport(String id, TransportSettings settings) {
        super(id, settings, profile(settings), "udp", SUFFIX);
        if (settings.mtu > Datagrams.MAX_FRAGMENTS * (settings.datagramSize - Datagrams.FRAGMENT_HEADER)) {
            throw new IllegalArgumentException("mtu " + settings.mtu + " needs more than " + Datagrams.MAX_FRAGMENTS
                    + " datagrams of " + settings.datagramSize + " bytes");
        }
    }

    /** Lossy, unordered; below TCP so reliable media carry traffic when both reach a peer. */
    static TransportProfile profile(TransportSettings settings) {
        return TransportProfile.builder().duplex(true).lossy(true).mtu(settings.mtu).bitrate(200_000_000L)
                .latency(Duration.ofMillis(1)).cost(0).build();
    }

    @Override
    protected Channel bind(EventLoopGroup group, InetSocketAddress local) throws Exception {
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65536))
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        received(ctx.channel(), packet);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        // ICMP errors and the like concern one peer, never the socket
                        System.getLogger(UdpTransport.class.getName()).log(System.Logger.Level.DEBUG,
                                "udp socket: {0}", String.valueOf(cause));
                    }
                });
        return bootstrap.bind(local).sync().channel();
    }

    @Override
    protected void started(Scheduler nodeScheduler) {
        long period = Math.max(1, Math.min(1000, settings.partialFrameTimeout.toMillis() / 4));
        expiry = nodeScheduler.scheduleAtFixedRate(this::expireFragments, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void stopping() {
        Cancellable current = expiry;
        if (current != null) {
            current.cancel();
        }
    }

    private void expireFragments() {
        Channel socket = listener();
        if (socket != null) {
            socket.eventLoop().execute(() -> links.values().forEach(UdpLink::expire));
        }
    }

    private void received(Channel socket, DatagramPacket packet) {
        InetSocketAddress sender = packet.sender();
        UdpLink link = links.get(sender);
        if (link == null) {
            if (!packet.content().isReadable() || (packet.content().getByte(0) != Datagrams.FRAGMENT
                    && packet.content().getByte(0) != Datagrams.PING)) {
                return; // a frame or the greeting PING of a new link opens a link; a close from a stranger means nothing
            }
            InboundGate.Ticket ticket = admit(sender);
            if (ticket == null) {
                return;
            }
            link = new UdpLink(this, socket, sender, NettyAddresses.toMeshAddress(sender, "udp", SUFFIX), scheduler(),
                    ticket, reassemblyBudget);
            links.put(sender, link);
            track(link);
            handOver(link);
        }
        link.datagram(packet.content());
    }

    @Override
    protected CompletableFuture<Link> open(EventLoopGroup group, InetSocketAddress remote, MeshAddress address) {
        Channel socket = listener();
        if (socket == null) {
            return CompletableFuture.failedFuture(new TransportException(id + " is not started"));
        }
        return resolve(group, remote).thenCompose(resolved -> {
            InetSocketAddress local = (InetSocketAddress) socket.localAddress();
            if (!local.getAddress().isAnyLocalAddress()
                    && local.getAddress().getClass() != resolved.getAddress().getClass()) {
                return CompletableFuture.<Link>failedFuture(new TransportException("udp listens on " + local.getAddress()
                        .getHostAddress() + " and cannot reach " + address + " (another address family); listen on "
                        + ":: to reach IPv4 and IPv6 peers"));
            }
            UdpLink link = new UdpLink(this, socket, resolved, address, scheduler(), null, reassemblyBudget);
            if (links.putIfAbsent(resolved, link) != null) {
                return CompletableFuture.<Link>failedFuture(new TransportException("a udp link to " + address
                        + " exists already (one link per remote address)"));
            }
            track(link);
            // the greeting: the peer learns of the link at once, as with an accepted TCP connection
            link.keepalive();
            return CompletableFuture.<Link>completedFuture(link);
        });
    }

    void forget(UdpLink link) {
        links.remove(link.remote(), link);
        untrack(link);
    }

    /** @return frames being reassembled over all links, for tests */
    int framesInProgress() {
        int n = 0;
        for (UdpLink link : new ArrayList<>(links.values())) {
            n += link.framesInProgress();
        }
        return n;
    }

    /** @return bytes of unfinished frames held now */
    long reassemblyBytes() {
        return REASSEMBLY_BUDGET - reassemblyBudget.get();
    }

    int udpLinks() {
        return links.size();
    }
}
