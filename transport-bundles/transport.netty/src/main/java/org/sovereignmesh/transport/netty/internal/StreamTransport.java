package org.sovereignmesh.transport.netty.internal;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.api.transport.TransportProfile;

/**
 * Frames over TCP: one connection per link, frames as {@code length:u32 | bytes} (see
 * {@link LengthPrefixedFrameCodec}), addresses {@code /ip4|ip6|dns/<host>/tcp/<port>}. The TCP transport is this with
 * LAN figures; the Wi-Fi Direct transport runs one on its group interface.
 */
public class StreamTransport extends NettyTransport {
    static final List<String> SUFFIX = List.of();

    public StreamTransport(String id, TransportSettings settings, TransportProfile profile) {
        super(id, settings, profile, "tcp", SUFFIX);
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
                result.completeExceptionally(new TransportException(id + " connect to " + address + " failed: "
                        + f.cause().getMessage(), f.cause()));
            }
        });
        return result;
    }
}
