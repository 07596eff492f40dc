package org.sovereignmesh.transport.netty.internal;

import java.util.concurrent.CompletableFuture;

import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.FrameReceiver;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.LinkMode;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.TransportException;

/**
 * What every internet link has: a remote address and MTU, delivery to the core ({@link LinkDelivery}), the times
 * the {@link LinkWatchdog} reads, and the admission ticket of an inbound link, released by its first whole frame.
 */
public abstract class DuplexLink implements Link, LinkWatchdog.Watched {
    protected final MeshAddress remoteAddress;
    protected final int mtu;
    protected final Scheduler clock;
    protected final String transportId;
    protected final LinkDelivery delivery = new LinkDelivery();
    /** The inbound admission, or {@code null} for an outbound link. */
    protected final InboundGate.Ticket ticket;
    private final long openedNanos;
    private volatile long lastReadNanos;
    private volatile long lastWriteNanos;
    private volatile long partialSinceNanos = -1;
    private volatile boolean framed;

    protected DuplexLink(MeshAddress remoteAddress, int mtu, Scheduler clock, String transportId,
            InboundGate.Ticket ticket) {
        this.remoteAddress = remoteAddress;
        this.mtu = mtu;
        this.clock = clock;
        this.transportId = transportId;
        this.ticket = ticket;
        this.openedNanos = clock.nanoTime();
        this.lastReadNanos = openedNanos;
        this.lastWriteNanos = openedNanos;
    }

    /** Bytes arrived; a frame may now be in progress. */
    protected void bytesRead() {
        long now = clock.nanoTime();
        lastReadNanos = now;
        if (partialSinceNanos < 0) {
            partialSinceNanos = now;
        }
    }

    /** A keepalive arrived: traffic, not a frame. */
    protected void keepaliveRead() {
        lastReadNanos = clock.nanoTime();
    }

    /** A whole frame (or a stream keepalive) arrived: nothing is in progress, and an inbound link proved itself. */
    protected void frameRead() {
        partialSinceNanos = -1;
        lastReadNanos = clock.nanoTime();
        if (!framed) {
            framed = true;
            if (ticket != null) {
                ticket.release();
            }
        }
    }

    protected void written() {
        lastWriteNanos = clock.nanoTime();
    }

    /** @return a failed stage if {@code frame} cannot be sent (empty, above the MTU, link closed), else null */
    protected CompletableFuture<Void> refusal(byte[] frame) {
        if (frame.length == 0) {
            return CompletableFuture.failedFuture(new TransportException("empty frames are not carried"));
        }
        if (frame.length > mtu) {
            return CompletableFuture.failedFuture(new TransportException("frame of " + frame.length
                    + " bytes exceeds the link MTU of " + mtu));
        }
        if (delivery.isClosed()) {
            return CompletableFuture.failedFuture(new TransportException(transportId + " link to " + remoteAddress
                    + " is closed"));
        }
        return null;
    }

    @Override
    public void start(FrameReceiver frameReceiver) {
        delivery.start(frameReceiver);
    }

    public boolean isClosed() {
        return delivery.isClosed();
    }

    @Override
    public MeshAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public LinkMode mode() {
        return LinkMode.DUPLEX;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public long openedNanos() {
        return openedNanos;
    }

    @Override
    public long lastReadNanos() {
        return lastReadNanos;
    }

    @Override
    public long lastWriteNanos() {
        return lastWriteNanos;
    }

    @Override
    public long partialSinceNanos() {
        return partialSinceNanos;
    }

    @Override
    public boolean framed() {
        return framed;
    }

    @Override
    public String toString() {
        return transportId + " link " + remoteAddress;
    }
}
