package org.sovereignmesh.transport.tcp.internal;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
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
 * TCP: one connection per link, frames as {@code length:u32 | bytes} (see {@code LengthPrefixedFrameCodec}).
 * Addresses {@code /ip4/<a>/tcp/<port>}, {@code /ip6/<a>/tcp/<port>}, {@code /dns/<name>/tcp/<port>}. Plain Java:
 * tests construct it directly, OSGi through {@link TcpTransportComponent}.
 */
public final class TcpTransport extends NettyTransport {
    public static final int DEFAULT_PORT = 4001;
    static final List<String> SUFFIX = List.of();

    public TcpTransport(String id, TransportSettings settings) {
        super(id, settings, profile(settings), "tcp", SUFFIX);
    }

    /** Reliable, ordered, duplex; nominal LAN figures (the benchmark command measures real ones). */
    static TransportProfile profile(TransportSettings settings) {
        return TransportProfile.builder().duplex(true).lossy(false).mtu(settings.mtu).bitrate(1_000_000_000L)
                .latency(Duration.ofMillis(1)).cost(0).build();
    }

    @Override
    protected Channel bind(EventLoopGroup group, InetSocketAddress local) throws Exception {
        return listenTcp(group, local, false, this::accepted);
    }

    private void accepted(SocketChannel ch) {
        InetSocketAddress remote = ch.remoteAddress();
        InboundGate.Ticket ticket = admit(ch, remote);
        if (ticket == null) {
            return;
        }
        NettyLink link = new NettyLink(ch, NettyAddresses.toMeshAddress(remote, "tcp", SUFFIX), settings.mtu,
                scheduler(), id, ticket);
        StreamPipeline.install(ch.pipeline(), link, settings.mtu);
        track(link, ch);
        handOver(link);
    }

    @Override
    protected CompletableFuture<Link> open(EventLoopGroup group, InetSocketAddress remote, MeshAddress address) {
        CompletableFuture<Link> result = new CompletableFuture<>();
        NettyLink[] created = new NettyLink[1];
        connectTcp(group, remote, false, ch -> {
            NettyLink link = new NettyLink(ch, address, settings.mtu, scheduler(), id, null);
            StreamPipeline.install(ch.pipeline(), link, settings.mtu);
            track(link, ch);
            created[0] = link;
        }).addListener(f -> {
            if (f.isSuccess()) {
                result.complete(created[0]);
            } else {
                result.completeExceptionally(new TransportException("tcp connect to " + address + " failed: "
                        + f.cause().getMessage(), f.cause()));
            }
        });
        return result;
    }
}
