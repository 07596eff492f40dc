package org.sovereignmesh.transport.loopback.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.FrameReceiver;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.LinkMode;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.TransportException;

/** One end of an in-memory duplex link. Frames sent before the other end is started wait for it. */
final class LoopbackLink implements Link {
    private final LoopbackTransport owner;
    private final MeshAddress remoteAddress;
    private final Scheduler scheduler;
    private LoopbackLink other;

    // guarded by this
    private FrameReceiver receiver;
    private final List<byte[]> early = new ArrayList<>();
    private boolean closed;
    private boolean closeDelivered;
    /** When the frames already sent will have been serialised: the next one queues behind them, as on a wire. */
    private long wireFreeAtNanos = Long.MIN_VALUE;

    LoopbackLink(LoopbackTransport owner, MeshAddress remoteAddress, Scheduler scheduler) {
        this.owner = owner;
        this.remoteAddress = remoteAddress;
        this.scheduler = scheduler;
    }

    static void pair(LoopbackLink a, LoopbackLink b) {
        a.other = b;
        b.other = a;
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
        return Math.min(owner.profile().mtu(), other.owner.profile().mtu());
    }

    @Override
    public void start(FrameReceiver frameReceiver) {
        List<byte[]> waiting;
        boolean closedMeanwhile;
        synchronized (this) {
            if (receiver != null) {
                throw new IllegalStateException("link already started");
            }
            receiver = frameReceiver;
            waiting = new ArrayList<>(early);
            early.clear();
            closedMeanwhile = closed;
        }
        for (byte[] frame : waiting) {
            frameReceiver.frameReceived(frame);
        }
        if (closedMeanwhile) {
            deliverClose(new IOException("closed by the neighbour"));
        }
    }

    @Override
    public CompletionStage<Void> send(byte[] frame) {
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new TransportException("loopback link is closed"));
            }
        }
        if (frame.length > mtu()) {
            return CompletableFuture.failedFuture(new TransportException("frame of " + frame.length
                    + " bytes exceeds the link MTU of " + mtu()));
        }
        long now = scheduler.nanoTime();
        long serialisationNanos = frame.length * 8L * 1_000_000_000L / owner.profile().bitrate();
        long doneNanos;
        synchronized (this) {
            doneNanos = Math.max(now, wireFreeAtNanos) + serialisationNanos;
            wireFreeAtNanos = doneNanos;
        }
        // frames arrive in the order sent: a small frame never overtakes a large one still on the wire
        scheduler.schedule(() -> other.arrive(frame), doneNanos - now + owner.profile().latency().toNanos(),
                TimeUnit.NANOSECONDS);
        return CompletableFuture.completedFuture(null);
    }

    private void arrive(byte[] frame) {
        FrameReceiver target;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (receiver == null) {
                early.add(frame);
                return;
            }
            target = receiver;
        }
        target.frameReceived(frame);
    }

    @Override
    public void close() {
        if (markClosed()) {
            owner.forget(this);
            deliverClose(null);
            // the other end learns of it after the frames already on their way
            scheduler.schedule(() -> other.remoteClosed(), owner.profile().latency().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void remoteClosed() {
        if (markClosed()) {
            owner.forget(this);
            deliverClose(new IOException("closed by the neighbour"));
        }
    }

    private synchronized boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    private void deliverClose(Throwable cause) {
        FrameReceiver target;
        synchronized (this) {
            if (receiver == null || closeDelivered) {
                return;
            }
            closeDelivered = true;
            target = receiver;
        }
        target.linkClosed(cause);
    }
}
