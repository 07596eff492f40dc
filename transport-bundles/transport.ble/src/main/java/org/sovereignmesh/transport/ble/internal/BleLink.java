package org.sovereignmesh.transport.ble.internal;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.FrameReceiver;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.LinkMode;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.TransportException;

/**
 * One mesh link over a GATT connection: frames are cut into {@link Chunks} of the connection's ATT MTU and go out one
 * chunk at a time (each write or notification completes before the next), so frames never interleave on a link and
 * arrive in order. Received chunks are reassembled; frames heard before {@link #start} wait (bounded). Every call to
 * the receiver runs on the scheduler, so calls never overlap, and {@code linkClosed} comes once, after the last frame.
 * Thread-safe.
 */
final class BleLink implements Link {
    /** Malformed chunks a link tolerates before it is closed as a protocol violation. */
    static final int MAX_ERRORS = 64;

    /** How the link's chunks reach the far end. */
    @FunctionalInterface
    interface Wire {
        CompletionStage<Void> send(byte[] chunk);
    }

    private final MeshAddress remote;
    private final int tag;
    private final int mtu;
    private final int attMtu;
    private final Scheduler scheduler;
    private final Wire wire;
    private final int queueLimit;
    private final int bufferLimit;
    private final Chunks.Reassembler reassembler;

    // guarded by this
    private final ArrayDeque<Pending> outgoing = new ArrayDeque<>();
    private final ArrayDeque<byte[]> heard = new ArrayDeque<>();
    private boolean sending;
    private int sequence;
    private FrameReceiver receiver;
    private boolean closed;
    private Throwable closeCause;
    private boolean closeDelivered;
    private Runnable onClose = () -> { };

    BleLink(MeshAddress remote, int tag, int mtu, int attMtu, Scheduler scheduler, Wire wire, int queueLimit,
            int bufferLimit) {
        this.remote = remote;
        this.tag = tag;
        this.mtu = mtu;
        this.attMtu = attMtu;
        this.scheduler = scheduler;
        this.wire = wire;
        this.queueLimit = queueLimit;
        this.bufferLimit = bufferLimit;
        this.reassembler = new Chunks.Reassembler(mtu);
    }

    /** Runs once when the core closes the link (the transport then tells the far end). */
    synchronized void onClose(Runnable action) {
        this.onClose = action;
    }

    int tag() {
        return tag;
    }

    int attMtu() {
        return attMtu;
    }

    @Override
    public MeshAddress remoteAddress() {
        return remote;
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
        Pending p = new Pending(frame);
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new TransportException("BLE link to " + remote + " is closed"));
            }
            if (frame.length > mtu) {
                return CompletableFuture.failedFuture(new TransportException("frame of " + frame.length
                        + " bytes exceeds the link MTU of " + mtu));
            }
            if (outgoing.size() >= queueLimit) {
                return CompletableFuture.failedFuture(new TransportException("BLE link to " + remote
                        + ": send queue full (" + queueLimit + " frames)"));
            }
            outgoing.addLast(p);
        }
        pump();
        return p.done;
    }

    private void pump() {
        Pending next;
        synchronized (this) {
            if (sending || closed || outgoing.isEmpty()) {
                return;
            }
            sending = true;
            next = outgoing.peekFirst();
            if (next.chunks == null) {
                next.chunks = Chunks.split(tag, next.frame, attMtu, sequence);
                sequence = (sequence + next.chunks.length) & 0x0F;
            }
        }
        byte[] chunk = next.chunks[next.sent];
        CompletionStage<Void> written;
        try {
            written = wire.send(chunk);
        } catch (RuntimeException e) {
            written = CompletableFuture.failedFuture(e);
        }
        written.whenComplete((ok, error) -> scheduler.execute(() -> chunkSent(next, error)));
    }

    private void chunkSent(Pending p, Throwable error) {
        boolean frameDone = false;
        synchronized (this) {
            sending = false;
            if (error == null) {
                p.sent++;
                if (p.sent == p.chunks.length) {
                    outgoing.remove(p);
                    frameDone = true;
                }
            }
        }
        if (error != null) {
            closeWith(new IOException("BLE write to " + remote + " failed: " + error.getMessage(), error));
            return;
        }
        if (frameDone) {
            p.done.complete(null);
        }
        pump();
    }

    /** A DATA chunk of this link arrived. */
    void received(byte[] chunk) {
        byte[] frame;
        boolean tooMany;
        boolean overflow = false;
        synchronized (this) {
            if (closed) {
                return;
            }
            frame = reassembler.accept(chunk);
            tooMany = reassembler.errors() > MAX_ERRORS;
            if (frame != null) {
                if (heard.size() >= bufferLimit) {
                    overflow = true;
                } else {
                    heard.addLast(frame);
                }
            }
        }
        if (tooMany) {
            closeWith(new IOException("BLE link to " + remote + ": more than " + MAX_ERRORS
                    + " malformed chunks (last: " + reassembler.lastError() + ")"));
        } else if (overflow) {
            closeWith(new IOException("BLE link to " + remote + ": more than " + bufferLimit
                    + " frames arrived before the link was started"));
        } else if (frame != null) {
            scheduler.execute(this::drain);
        }
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
    void closeWith(Throwable cause) {
        List<Pending> dropped;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            closeCause = cause;
            heard.clear();
            dropped = new ArrayList<>(outgoing);
            outgoing.clear();
        }
        for (Pending p : dropped) {
            p.done.completeExceptionally(new TransportException("BLE link to " + remote + " closed"
                    + (cause == null ? "" : ": " + cause.getMessage())));
        }
        scheduler.execute(this::drain);
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

    @Override
    public String toString() {
        return "BLE link " + tag + " to " + remote;
    }

    private static final class Pending {
        final byte[] frame;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        byte[][] chunks;
        int sent;

        Pending(byte[] frame) {
            this.frame = frame;
        }
    }
}
