package org.sovereignmesh.transport.netty.internal;

import java.util.ArrayList;
import java.util.List;

import org.sovereignmesh.api.transport.FrameReceiver;

/**
 * The contract of a link towards the core, in one place: frames that arrive before {@code Link.start} are held and
 * handed over at start, in order; after a close nothing more is delivered; {@link FrameReceiver#linkClosed} is called
 * exactly once, and only after start. Thread-safe; the receiver is always called outside the lock.
 */
public final class LinkDelivery {
    /** What became of a frame. */
    public enum Outcome {
        DELIVERED, HELD, CLOSED
    }

    private FrameReceiver receiver;
    private final List<byte[]> early = new ArrayList<>();
    private boolean closed;
    private boolean closeDelivered;
    private Throwable cause;

    /** Delivers {@code frame}, or holds it until start, or drops it once closed. */
    public Outcome frame(byte[] frame) {
        FrameReceiver target;
        synchronized (this) {
            if (closed) {
                return Outcome.CLOSED;
            }
            if (receiver == null) {
                early.add(frame);
                return Outcome.HELD;
            }
            target = receiver;
        }
        target.frameReceived(frame);
        return Outcome.DELIVERED;
    }

    /** @return frames held for start */
    public synchronized int held() {
        return early.size();
    }

    /**
     * Starts delivery: the held frames first, then the close if the link closed meanwhile.
     *
     * @throws IllegalStateException if called twice
     */
    public void start(FrameReceiver frameReceiver) {
        List<byte[]> waiting;
        synchronized (this) {
            if (receiver != null) {
                throw new IllegalStateException("link already started");
            }
            receiver = frameReceiver;
            waiting = new ArrayList<>(early);
            early.clear();
        }
        for (byte[] frame : waiting) {
            frameReceiver.frameReceived(frame);
        }
        deliverClose();
    }

    /**
     * Marks the link closed.
     *
     * @param why the cause given to the core, {@code null} for an orderly close
     * @return whether this call closed it (only the first does)
     */
    public boolean close(Throwable why) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            closed = true;
            cause = why;
            early.clear();
        }
        deliverClose();
        return true;
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    public synchronized boolean isStarted() {
        return receiver != null;
    }

    private void deliverClose() {
        FrameReceiver target;
        Throwable why;
        synchronized (this) {
            if (receiver == null || !closed || closeDelivered) {
                return;
            }
            closeDelivered = true;
            target = receiver;
            why = cause;
        }
        target.linkClosed(why);
    }
}
