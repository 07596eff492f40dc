package org.sovereignmesh.transport.netty.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.FrameReceiver;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.TransportException;

/**
 * A duplex link on one Netty channel whose pipeline turns bytes into whole frames ({@code byte[]}) and back: a TCP
 * connection, a WebSocket, a QUIC stream. Put {@link #rawActivity()} first in the pipeline and {@link #frames()}
 * last.
 *
 * <p>Frames that arrive before {@link #start} are held (and reading pauses) so nothing is lost; reading also pauses
 * while the core has {@link CoreBacklog#HIGH} bytes of this link to take in, so the sender is slowed down by flow
 * control. Errors close the channel with a logged reason that the core also receives as the close cause.
 */
public class NettyLink extends DuplexLink {
    /** The decoded form of a keepalive: counts as traffic, never delivered. */
    public static final byte[] KEEPALIVE = new byte[0];
    private static final System.Logger LOG = System.getLogger(NettyLink.class.getName());
    private static final int MAX_EARLY_FRAMES = 64;

    private final Channel channel;
    private final CoreBacklog backlog;

    // guarded by this
    private Throwable closeCause;
    private boolean closedLocally;

    /**
     * @param ticket the inbound admission to release on the first frame, or {@code null} for outbound links
     */
    public NettyLink(Channel channel, MeshAddress remoteAddress, int mtu, Scheduler clock, String transportId,
            InboundGate.Ticket ticket) {
        super(remoteAddress, mtu, clock, transportId, ticket);
        this.channel = channel;
        this.backlog = new CoreBacklog(clock, channel.eventLoop(), CoreBacklog.HIGH, this::resumeReading);
        channel.closeFuture().addListener(f -> channelClosed());
    }

    public Channel channel() {
        return channel;
    }

    /** Records raw inbound bytes: marks the start of a frame in progress. Place first in the pipeline. */
    public ChannelHandler rawActivity() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                bytesRead();
                ctx.fireChannelRead(msg);
            }
        };
    }

    /** Receives whole frames and errors. Place last in the pipeline. */
    public ChannelHandler frames() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof byte[]) {
                    frameIn((byte[]) msg);
                } else {
                    ReferenceCountUtil.release(msg);
                    fail(new IOException("unexpected message " + msg.getClass().getSimpleName() + " in the pipeline"));
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                fail(cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause);
            }
        };
    }

    /** One whole frame (or {@link #KEEPALIVE}) arrived. Called on the channel's event loop. */
    public void frameIn(byte[] frame) {
        frameRead();
        if (frame.length == 0) {
            return;
        }
        switch (delivery.frame(frame)) {
            case HELD:
                if (delivery.held() >= MAX_EARLY_FRAMES) {
                    channel.config().setAutoRead(false); // start() resumes
                }
                break;
            case DELIVERED:
                backlog.handed(frame.length);
                if (backlog.atLeast(CoreBacklog.HIGH)) {
                    channel.config().setAutoRead(false); // the backlog's marker resumes
                }
                break;
            default:
                break;
        }
    }

    private void resumeReading() {
        channel.config().setAutoRead(true);
        channel.read();
    }

    /** Closes the link because of {@code cause}, logging why. */
    public void fail(Throwable cause) {
        synchronized (this) {
            if (closeCause == null && !closedLocally) {
                closeCause = cause;
            }
        }
        if (cause instanceof FrameTooLargeException) {
            LOG.log(Level.WARNING, "{0} link from {1}: {2}; closing the connection", transportId, remoteAddress,
                    cause.getMessage());
        } else if (cause instanceof IOException) {
            LOG.log(Level.DEBUG, "{0} link {1}: {2}", transportId, remoteAddress, cause.getMessage());
        } else {
            LOG.log(Level.WARNING, "{0} link {1} failed: {2}", transportId, remoteAddress, String.valueOf(cause));
        }
        channel.close();
    }

    @Override
    public void timedOut(String reason) {
        LOG.log(Level.INFO, "{0} link {1}: {2}; closing", transportId, remoteAddress, reason);
        fail(new IOException(reason));
    }

    @Override
    public void keepalive() {
        if (channel.isActive()) {
            written();
            channel.writeAndFlush(KEEPALIVE, channel.voidPromise());
        }
    }

    @Override
    public void start(FrameReceiver frameReceiver) {
        super.start(frameReceiver);
        if (!delivery.isClosed()) {
            channel.eventLoop().execute(this::resumeReading);
        }
    }

    @Override
    public CompletionStage<Void> send(byte[] frame) {
        CompletableFuture<Void> refused = refusal(frame);
        if (refused != null) {
            return refused;
        }
        CompletableFuture<Void> sent = new CompletableFuture<>();
        written();
        channel.writeAndFlush(frame).addListener(f -> {
            if (f.isSuccess()) {
                sent.complete(null);
            } else {
                sent.completeExceptionally(new TransportException(transportId + " send to " + remoteAddress
                        + " failed: " + f.cause().getMessage(), f.cause()));
            }
        });
        return sent;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closeCause == null) {
                closedLocally = true;
            }
        }
        channel.close();
    }

    private void channelClosed() {
        if (ticket != null) {
            ticket.release();
        }
        Throwable cause;
        synchronized (this) {
            cause = closedLocally ? null
                    : closeCause != null ? closeCause : new IOException("connection closed by the neighbour");
        }
        delivery.close(cause);
    }
}
