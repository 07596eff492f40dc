package org.sovereignmesh.transport.ws.internal;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.api.transport.TransportProfile;
import org.sovereignmesh.transport.netty.internal.InboundGate;
import org.sovereignmesh.transport.netty.internal.NettyAddresses;
import org.sovereignmesh.transport.netty.internal.NettyLink;
import org.sovereignmesh.transport.netty.internal.NettyTransport;
import org.sovereignmesh.transport.netty.internal.TransportSettings;

/**
 * WebSocket (RFC 6455) over TCP: an HTTP upgrade on path {@value #PATH}, then one binary message per frame. Serves
 * browsers and networks that only let HTTP(S) through a proxy; the same node connects out as a client. Addresses
 * {@code /ip4/<a>/tcp/<port>/ws}. The upgrade must complete within the first-frame timeout; a message announcing
 * more than the MTU is refused from its header, before its payload is buffered.
 */
public final class WsTransport extends NettyTransport {
    public static final int DEFAULT_PORT = 4002;
    static final String PATH = "/";
    static final List<String> SUFFIX = List.of("ws");
    private static final int MAX_UPGRADE_REQUEST = 8192;

    public WsTransport(String id, TransportSettings settings) {
        super(id, settings, profile(settings), "tcp", SUFFIX);
    }

    /** TCP plus HTTP upgrade and WebSocket framing (masking on the client side): a little slower than plain TCP. */
    static TransportProfile profile(TransportSettings settings) {
        return TransportProfile.builder().duplex(true).lossy(false).mtu(settings.mtu).bitrate(600_000_000L)
                .latency(Duration.ofMillis(1)).cost(0).build();
    }

    @Override
    protected Channel bind(EventLoopGroup group, InetSocketAddress local) throws Exception {
        return listenTcp(group, local, true, this::accepted); // the upgrade is read before the link starts
    }

    private void accepted(SocketChannel ch) {
        InetSocketAddress remote = ch.remoteAddress();
        InboundGate.Ticket ticket = admit(ch, remote);
        if (ticket == null) {
            return;
        }
        NettyLink link = new NettyLink(ch, NettyAddresses.toMeshAddress(remote, "tcp", SUFFIX), settings.mtu,
                scheduler(), id, ticket);
        ChannelPipeline p = ch.pipeline();
        p.addLast("activity", link.rawActivity());
        p.addLast("flush", new FlushConsolidationHandler(64, true));
        p.addLast("http", new HttpServerCodec());
        p.addLast("upgrade-request", new HttpObjectAggregator(MAX_UPGRADE_REQUEST));
        p.addLast("websocket", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(PATH).maxFramePayloadLength(settings.mtu).allowExtensions(false)
                .handshakeTimeoutMillis(settings.firstFrameTimeout.toMillis()).dropPongFrames(true).build()));
        p.addLast("upgraded", new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
                if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                    handOver(link);
                }
                super.userEventTriggered(ctx, event);
            }
        });
        addFraming(p, link);
        track(link, ch);
    }

    private void addFraming(ChannelPipeline p, NettyLink link) {
        p.addLast("aggregate", new WebSocketFrameAggregator(settings.mtu));
        p.addLast("frames", new WsFrameCodec());
        p.addLast("link", link.frames());
    }

    @Override
    protected CompletableFuture<Link> open(EventLoopGroup group, InetSocketAddress remote, MeshAddress address) {
        CompletableFuture<Link> result = new CompletableFuture<>();
        URI uri = URI.create("ws://" + hostForUri(remote) + ":" + remote.getPort() + PATH);
        connectTcp(group, remote, true, ch -> {
            NettyLink link = new NettyLink(ch, address, settings.mtu, scheduler(), id, null);
            ChannelPipeline p = ch.pipeline();
            p.addLast("activity", link.rawActivity());
            p.addLast("flush", new FlushConsolidationHandler(64, true));
            p.addLast("http", new HttpClientCodec());
            p.addLast("upgrade-response", new HttpObjectAggregator(MAX_UPGRADE_REQUEST));
            p.addLast("websocket", new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig
                    .newBuilder().webSocketUri(uri).maxFramePayloadLength(settings.mtu)
                    .allowExtensions(false).dropPongFrames(true)
                    .handshakeTimeoutMillis(settings.firstFrameTimeout.toMillis()).build()));
            p.addLast("upgraded", new ChannelInboundHandlerAdapter() {
                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
                    if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                        result.complete(link);
                    } else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                        result.completeExceptionally(new TransportException("ws upgrade with " + address
                                + " timed out"));
                    }
                    super.userEventTriggered(ctx, event);
                }
            });
            addFraming(p, link);
            track(link, ch);
            ch.closeFuture().addListener(f -> result.completeExceptionally(new TransportException(
                    "ws connection to " + address + " closed before the upgrade completed")));
        }).addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(new TransportException("ws connect to " + address + " failed: "
                        + f.cause().getMessage(), f.cause()));
            }
        });
        return result;
    }

    private static String hostForUri(InetSocketAddress remote) {
        String host = remote.getHostString();
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }
}
