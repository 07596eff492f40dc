package org.sovereignmesh.radio;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.sovereignmesh.api.time.Cancellable;
import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.TransportException;

/**
 * The transmit side of a half-duplex radio: frames go out one at a time, each only when it fits the duty-cycle
 * budget; until then they wait in a bounded queue, and the owner is told it is throttled (a transport reports
 * DEGRADED). A frame's stage completes when its transmission has ended. Thread-safe; timers on the scheduler.
 *
 * <p>Not an API: radio transports embed this package.
 */
public final class RadioOutbox {

    /** The radio behind the outbox. */
    public interface Radio {
        long airtimeNanos(int frameBytes);

        /** Transmits now; the stage completes when the frame has left (its airtime has passed). */
        CompletionStage<Void> transmit(byte[] frame);
    }

    /** Told when the outbox starts and stops waiting for duty-cycle budget. */
    public interface ThrottleListener {
        void throttled(boolean throttled, String detail);
    }

    private final Scheduler scheduler;
    private final Radio radio;
    private final DutyCycleLedger ledger;
    private final int queueLimit;
    private final ThrottleListener listener;

    // guarded by this
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private boolean busy;
    private boolean throttled;
    private String closedReason;
    private Cancellable wakeUp;

    public RadioOutbox(Scheduler scheduler, Radio radio, DutyCycleLedger ledger, int queueLimit,
            ThrottleListener listener) {
        if (queueLimit < 1) {
            throw new IllegalArgumentException("queue limit must be at least 1, got " + queueLimit);
        }
        this.scheduler = scheduler;
        this.radio = radio;
        this.ledger = ledger;
        this.queueLimit = queueLimit;
        this.listener = listener;
    }

    /** Queues {@code frame}; fails at once if the outbox is closed, full, or the frame can never fit the budget. */
    public CompletionStage<Void> submit(byte[] frame) {
        Pending pending = new Pending(frame, radio.airtimeNanos(frame.length));
        synchronized (this) {
            if (closedReason != null) {
                return CompletableFuture.failedFuture(new TransportException(closedReason));
            }
            if (pending.airtimeNanos > ledger.budgetNanos()) {
                return CompletableFuture.failedFuture(new TransportException("a frame of " + frame.length
                        + " bytes needs " + pending.airtimeNanos / 1_000_000 + " ms on air, more than the whole "
                        + "duty-cycle budget of " + ledger.budgetNanos() / 1_000_000 + " ms per hour"));
            }
            if (queue.size() >= queueLimit) {
                return CompletableFuture.failedFuture(new TransportException("transmit queue full (" + queueLimit
                        + " frames)" + (throttled ? ": duty-cycle budget exhausted" : "")));
            }
            queue.addLast(pending);
        }
        pump();
        return pending.done;
    }

    /** @return frames waiting to be transmitted */
    public synchronized int queued() {
        return queue.size();
    }

    /** @return airtime used in the current window, in nanoseconds */
    public synchronized long usedAirtimeNanos() {
        return ledger.usedNanos(scheduler.nanoTime());
    }

    /** Fails every queued frame with {@code reason} and refuses new ones. Idempotent. */
    public void close(String reason) {
        ArrayDeque<Pending> dropped;
        synchronized (this) {
            if (closedReason != null) {
                return;
            }
            closedReason = reason;
            dropped = new ArrayDeque<>(queue);
            queue.clear();
            if (wakeUp != null) {
                wakeUp.cancel();
                wakeUp = null;
            }
        }
        for (Pending p : dropped) {
            p.done.completeExceptionally(new TransportException(reason));
        }
    }

    private void pump() {
        Pending next;
        String throttleChange = null;
        boolean nowThrottled;
        synchronized (this) {
            if (busy || closedReason != null || queue.isEmpty()) {
                if (queue.isEmpty() && throttled) {
                    throttled = false;
                    throttleChange = "";
                }
                next = null;
            } else {
                Pending head = queue.peekFirst();
                long now = scheduler.nanoTime();
                long wait = ledger.waitNanos(now, head.airtimeNanos);
                if (wait > 0) {
                    if (wakeUp == null) {
                        wakeUp = scheduler.schedule(this::wake, wait, TimeUnit.NANOSECONDS);
                    }
                    if (!throttled) {
                        throttled = true;
                        throttleChange = "duty-cycle budget of " + ledger.dutyCycle() * 100 + " % used up; next "
                                + "frame in " + (wait + 999_999) / 1_000_000 + " ms, " + queue.size() + " queued";
                    }
                    next = null;
                } else {
                    queue.pollFirst();
                    busy = true;
                    ledger.record(now, head.airtimeNanos);
                    next = head;
                    if (throttled && queue.isEmpty()) {
                        throttled = false;
                        throttleChange = "";
                    }
                }
            }
            nowThrottled = throttled;
        }
        if (throttleChange != null) {
            listener.throttled(nowThrottled, throttleChange);
        }
        if (next != null) {
            Pending sending = next;
            CompletionStage<Void> transmission;
            try {
                transmission = radio.transmit(sending.frame);
            } catch (RuntimeException e) {
                transmission = CompletableFuture.failedFuture(e);
            }
            transmission.whenComplete((ok, error) -> scheduler.execute(() -> transmitted(sending, error)));
        }
    }

    private void wake() {
        synchronized (this) {
            wakeUp = null;
        }
        pump();
    }

    private void transmitted(Pending sent, Throwable error) {
        synchronized (this) {
            busy = false;
        }
        if (error == null) {
            sent.done.complete(null);
        } else {
            sent.done.completeExceptionally(error instanceof TransportException ? error
                    : new TransportException("transmission failed: " + error.getMessage(), error));
        }
        pump();
    }

    private static final class Pending {
        final byte[] frame;
        final long airtimeNanos;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Pending(byte[] frame, long airtimeNanos) {
            this.frame = frame;
            this.airtimeNanos = airtimeNanos;
        }
    }
}
