package org.sovereignmesh.radio;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.FrameReceiver;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.LinkMode;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.TransportException;

/**
 * A radio link: a broadcast channel, or a modem's link to its gateway. Frames heard before {@link #start} wait in
 * a bounded buffer (the oldest is dropped beyond it); every call to the receiver runs on the scheduler, so calls
 * never overlap, and {@code linkClosed} comes once, after the last frame. Thread-safe.
 *
 * <p>Not an API: radio transports embed this package.
 */
public final class RadioLink implements Link {
    private final MeshAddress channel;
    private final LinkMode mode;
    private final int mtu;
    private final Scheduler scheduler;
    private final Function<byte[], CompletionStage<Void>> transmitter;
    private final int bufferLimit;

    // guarded by this
    private final ArrayDeque<byte[]> heard = new ArrayDeque<>();
    private FrameReceiver receiver;
    private boolean closed;
    private Throwable closeCause;
    private boolean closeDelivered;
    private long dropped;
    private Runnable onClose = () -> { };

    /**
     * @param channel     the remote address: the channel, or the gateway
     * @param transmitter sends one frame on the medium (an outbox)
     * @param bufferLimit frames kept while the link is not started
     */
    public RadioLink(MeshAddress channel, LinkMode mode, int mtu, Scheduler scheduler,
            Function<byte[], CompletionStage<Void>> transmitter, int bufferLimit) {
        this.channel = channel;
        this.mode = mode;
        this.mtu = mtu;
        this.scheduler = scheduler;
        this.transmitter = transmitter;
        this.bufferLimit = bufferLimit;
    }

    /** Runs once when the core closes the link (not when the transport closes it with {@link #closeWith}). */
    public synchronized void onClose(Runnable action) {
        this.onClose = action;
    }

    @Override
    public MeshAddress remoteAddress() {
        return channel;
    }

    @Override
    public LinkMode mode() {
        return mode;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public void start(FrameReceiver frameReceiver) {
        synchronized (this) {
            if (receiver != null) {
                throw new IllegalStateException("link already started");
            }
            receiver = frameReceiver;
        }
        scheduler.execute(this::drain);
    }

    @Override
    public CompletionStage<Void> send(byte[] frame) {
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new TransportException("the " + channel + " link is closed"));
            }
        }
        if (frame.length > mtu) {
            return CompletableFuture.failedFuture(new TransportException("frame of " + frame.length
                    + " bytes exceeds the link MTU of " + mtu));
        }
        return transmitter.apply(frame);
    }

    /** A frame heard on the link. Frames above the MTU are dropped: they cannot come from a conforming sender. */
    public void deliver(byte[] frame) {
        synchronized (this) {
            if (closed || frame.length > mtu) {
                return;
            }
            if (heard.size() >= bufferLimit) {
                heard.pollFirst();
                dropped++;
            }
            heard.addLast(frame);
        }
        scheduler.execute(this::drain);
    }

    /** @return frames dropped because the link was not started and its buffer was full */
    public synchronized long dropped() {
        return dropped;
    }

    @Override
    public void close() {
        Runnable action;
        synchronized (this) {
            if (closed) {
                return;
            }
            action = onClose;
        }
        closeWith(null);
        action.run();
    }

    /** Closes the link from the transport's side; {@code cause} reaches the receiver. Idempotent. */
    public void closeWith(Throwable cause) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            closeCause = cause;
            heard.clear();
        }
        scheduler.execute(this::drain);
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    private void drain() {
        FrameReceiver target;
        List<byte[]> frames;
        boolean deliverClose;
        Throwable cause;
        synchronized (this) {
            if (receiver == null || closeDelivered) {
                return;
            }
            target = receiver;
            frames = new ArrayList<>(heard);
            heard.clear();
            deliverClose = closed;
            cause = closeCause;
            if (closed) {
                closeDelivered = true;
            }
        }
        for (byte[] frame : frames) {
            target.frameReceived(frame);
        }
        if (deliverClose) {
            target.linkClosed(cause);
        }
    }

    /** @return an {@link IOException} saying why the transport closed the link, for {@link #closeWith} */
    public static IOException because(String reason) {
        return new IOException(reason);
    }
}
