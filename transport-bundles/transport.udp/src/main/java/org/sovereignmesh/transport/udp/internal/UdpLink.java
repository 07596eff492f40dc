package org.sovereignmesh.transport.udp.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.transport.netty.internal.CoreBacklog;
import org.sovereignmesh.transport.netty.internal.DuplexLink;
import org.sovereignmesh.transport.netty.internal.InboundGate;
import org.sovereignmesh.transport.netty.internal.LinkDelivery;

/**
 * The link to one remote UDP address, over the transport's shared socket. Frames are cut into datagrams and put back
 * together by {@link Reassembly}. Frames that arrive before {@link #start} wait (at most {@value #MAX_EARLY_FRAMES};
 * later ones are dropped, as the medium may drop them anyway).
 */
final class UdpLink extends DuplexLink {
    private static final System.Logger LOG = System.getLogger(UdpLink.class.getName());
    private static final int MAX_EARLY_FRAMES = 64;
    /** Malformed datagrams tolerated from one address (they may be spoofed) before its link is closed. */
    static final int MAX_MALFORMED = 100;

    private final UdpTransport owner;
    private final Channel channel;
    private final InetSocketAddress remote;
    private final Reassembly reassembly;
    private final AtomicInteger nextMessageId = new AtomicInteger();
    /** One shared socket cannot pause for one link: frames beyond the backlog bound are dropped instead. */
    private final CoreBacklog backlog;
    private int malformed;
    long droppedForCore;

    UdpLink(UdpTransport owner, Channel channel, InetSocketAddress remote, MeshAddress remoteAddress, Scheduler clock,
            InboundGate.Ticket ticket, AtomicLong reassemblyBudget) {
        super(remoteAddress, owner.settings().mtu, clock, owner.id(), ticket);
        this.owner = owner;
        this.channel = channel;
        this.remote = remote;
        this.reassembly = new Reassembly(owner.settings().mtu, owner.settings().partialFrameTimeout.toNanos(),
                reassemblyBudget);
        this.backlog = new CoreBacklog(clock, channel.eventLoop(), CoreBacklog.HIGH / 2, () -> { });
    }

    InetSocketAddress remote() {
        return remote;
    }

    /** One datagram from this link's remote address; on the event loop. */
    void datagram(ByteBuf content) {
        long now = clock.nanoTime();
        if (!content.isReadable()) {
            malformed("empty datagram");
            return;
        }
        byte type = content.readByte();
        switch (type) {
            case Datagrams.PING:
                keepaliveRead();
                return;
            case Datagrams.CLOSE:
                closeWith(new IOException("closed by the neighbour"), false);
                return;
            case Datagrams.FRAGMENT:
                break;
            default:
                malformed("unknown datagram type " + (type & 0xff));
                return;
        }
        if (content.readableBytes() < Datagrams.FRAGMENT_HEADER - 1) {
            malformed("fragment header truncated");
            return;
        }
        int messageId = content.readInt();
        int index = content.readUnsignedByte();
        int count = content.readUnsignedByte();
        int length = content.readableBytes();
        byte[] bytes;
        int offset;
        if (content.hasArray()) {
            bytes = content.array();
            offset = content.arrayOffset() + content.readerIndex();
        } else {
            bytes = new byte[length];
            content.readBytes(bytes);
            offset = 0;
        }
        byte[] frame;
        try {
            frame = reassembly.add(messageId, index, count, bytes, offset, length, now);
        } catch (Reassembly.MalformedDatagramException e) {
            malformed(e.getMessage());
            return;
        }
        if (frame != null) {
            frameRead();
            deliver(frame);
        } else {
            keepaliveRead(); // a fragment: traffic, but not yet a frame
        }
    }

    private void malformed(String what) {
        LOG.log(Level.DEBUG, "udp {0}: dropped a malformed datagram: {1}", remoteAddress, what);
        if (++malformed >= MAX_MALFORMED) {
            closeWith(new IOException(malformed + " malformed datagrams, last: " + what), true);
        }
    }

    private void deliver(byte[] frame) {
        if (!delivery.isStarted()) {
            if (delivery.held() < MAX_EARLY_FRAMES) {
                delivery.frame(frame);
            }
            return;
        }
        if (backlog.atLeast(CoreBacklog.HIGH)) {
            droppedForCore++; // the node is behind: drop (the medium is lossy) rather than be cut off as a flood
            return;
        }
        if (delivery.frame(frame) == LinkDelivery.Outcome.DELIVERED) {
            backlog.handed(frame.length);
        }
    }

    /** Drops fragments of frames that did not complete in time; on the event loop. */
    void expire() {
        reassembly.expire(clock.nanoTime());
    }

    int framesInProgress() {
        return reassembly.inProgress();
    }

    @Override
    public CompletionStage<Void> send(byte[] frame) {
        CompletableFuture<Void> refused = refusal(frame);
        if (refused != null) {
            return refused;
        }
        int datagramSize = owner.settings().datagramSize;
        int chunk = datagramSize - Datagrams.FRAGMENT_HEADER;
        int count = Datagrams.fragments(frame.length, datagramSize);
        int messageId = nextMessageId.getAndIncrement();
        CompletableFuture<Void> sent = new CompletableFuture<>();
        written();
        channel.eventLoop().execute(() -> {
            for (int i = 0; i < count; i++) {
                int from = i * chunk;
                int length = Math.min(chunk, frame.length - from);
                ByteBuf out = channel.alloc().ioBuffer(Datagrams.FRAGMENT_HEADER + length);
                out.writeByte(Datagrams.FRAGMENT).writeInt(messageId).writeByte(i).writeByte(count)
                        .writeBytes(frame, from, length);
                if (i < count - 1) {
                    channel.write(new DatagramPacket(out, remote), channel.voidPromise());
                } else {
                    channel.writeAndFlush(new DatagramPacket(out, remote)).addListener(f -> {
                        if (f.isSuccess()) {
                            sent.complete(null);
                        } else {
                            sent.completeExceptionally(new TransportException("udp send to " + remoteAddress
                                    + " failed: " + f.cause().getMessage(), f.cause()));
                        }
                    });
                }
            }
        });
        return sent;
    }

    private void control(byte type) {
        if (channel.isActive()) {
            ByteBuf out = channel.alloc().ioBuffer(1).writeByte(type);
            channel.writeAndFlush(new DatagramPacket(out, remote), channel.voidPromise());
        }
    }

    @Override
    public void close() {
        closeWith(null, true);
    }

    /** Closes the link; tells the remote end unless it told us. */
    void closeWith(Throwable cause, boolean tellRemote) {
        if (!delivery.close(cause)) {
            return;
        }
        if (tellRemote) {
            control(Datagrams.CLOSE);
        }
        if (ticket != null) {
            ticket.release();
        }
        channel.eventLoop().execute(reassembly::clear);
        owner.forget(this);
    }

    /** Never: a lost fragment is normal on UDP, so stale fragments are dropped, not held against the link. */
    @Override
    public long partialSinceNanos() {
        return -1;
    }

    @Override
    public boolean framed() {
        // an outbound link has proved the path is ours; an inbound one must deliver a whole frame first
        return super.framed() || ticket == null;
    }

    @Override
    public void timedOut(String reason) {
        LOG.log(Level.INFO, "udp link {0}: {1}; closing", remoteAddress, reason);
        closeWith(new IOException(reason), true);
    }

    @Override
    public void keepalive() {
        written();
        control(Datagrams.PING);
    }
}
