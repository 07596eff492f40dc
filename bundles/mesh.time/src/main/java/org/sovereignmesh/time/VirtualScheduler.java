package org.sovereignmesh.time;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.sovereignmesh.api.time.Cancellable;
import org.sovereignmesh.api.time.Scheduler;

/**
 * Discrete-event {@link Scheduler} on virtual time. Nothing runs until the driving code calls {@link #runFor},
 * {@link #runUntil} or {@link #runUntilIdle}; time then jumps from one due task to the next, so an hour of
 * protocol timers passes in milliseconds and every run with the same inputs is identical.
 *
 * <p>Intended to be driven by one thread. Submitting tasks from other threads is safe (they are queued), which
 * lets code under test hand work back from helper threads.
 */
public final class VirtualScheduler implements Scheduler {
    private static final System.Logger LOG = System.getLogger(VirtualScheduler.class.getName());

    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private final long epochMillisAtZero;
    private long nowNanos;
    private long sequence;
    private long tasksRun;
    private Thread driver;
    private boolean propagateTaskFailures;

    /** Starts at virtual time zero, which reads as 2026-01-01T00:00:00Z on the wall clock. */
    public VirtualScheduler() {
        this(1_767_225_600_000L);
    }

    /** @param epochMillisAtZero what {@link #currentTimeMillis()} returns at virtual time zero */
    public VirtualScheduler(long epochMillisAtZero) {
        this.epochMillisAtZero = epochMillisAtZero;
    }

    @Override
    public synchronized long nanoTime() {
        return nowNanos;
    }

    @Override
    public synchronized long currentTimeMillis() {
        return epochMillisAtZero + TimeUnit.NANOSECONDS.toMillis(nowNanos);
    }

    @Override
    public void execute(Runnable task) {
        schedule(task, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
        Task t = new Task(task, nowNanos + Math.max(0, unit.toNanos(delay)), 0, sequence++);
        queue.add(t);
        return t;
    }

    @Override
    public synchronized Cancellable scheduleAtFixedRate(Runnable task, long initialDelay, long period, TimeUnit unit) {
        if (period <= 0) {
            throw new IllegalArgumentException("period must be positive, got " + period);
        }
        Task t = new Task(task, nowNanos + Math.max(0, unit.toNanos(initialDelay)), unit.toNanos(period), sequence++);
        queue.add(t);
        return t;
    }

    @Override
    public synchronized boolean inSchedulerThread() {
        return driver == null || driver == Thread.currentThread();
    }

    /** Runs every task due within {@code duration} from now, then sets the clock to exactly now + duration. */
    public void runFor(Duration duration) {
        long until;
        synchronized (this) {
            until = nowNanos + duration.toNanos();
        }
        runWhile(() -> false, until);
        synchronized (this) {
            nowNanos = Math.max(nowNanos, until);
        }
    }

    /**
     * Runs tasks until {@code condition} holds (checked before each task) or virtual {@code timeout} has passed.
     *
     * @return whether the condition holds
     */
    public boolean runUntil(BooleanSupplier condition, Duration timeout) {
        long until;
        synchronized (this) {
            until = nowNanos + timeout.toNanos();
        }
        runWhile(condition, until);
        return condition.getAsBoolean();
    }

    /** Runs tasks until none is left, or until {@code limit} of virtual time has passed (repeating timers). */
    public void runUntilIdle(Duration limit) {
        runUntil(() -> false, limit);
    }

    /**
     * Makes a task's exception escape from {@code runFor}/{@code runUntil} (wrapped in an {@link IllegalStateException})
     * instead of being logged and skipped: tests and fuzzers then see every unexpected failure.
     *
     * @return this scheduler
     */
    public synchronized VirtualScheduler propagateTaskFailures() {
        propagateTaskFailures = true;
        return this;
    }

    /** @return the number of tasks run so far; simulators report it as work done */
    public synchronized long tasksRun() {
        return tasksRun;
    }

    /** @return tasks waiting in the queue, including cancelled ones not yet due */
    public synchronized int pending() {
        return queue.size();
    }

    private void runWhile(BooleanSupplier stop, long untilNanos) {
        synchronized (this) {
            driver = Thread.currentThread();
        }
        try {
            while (!stop.getAsBoolean()) {
                Task next;
                synchronized (this) {
                    next = queue.peek();
                    if (next == null || next.dueNanos > untilNanos) {
                        return;
                    }
                    queue.poll();
                    nowNanos = Math.max(nowNanos, next.dueNanos);
                    tasksRun++;
                }
                next.runOnce();
            }
        } finally {
            synchronized (this) {
                driver = null;
            }
        }
    }

    private synchronized boolean propagating() {
        return propagateTaskFailures;
    }

    private final class Task implements Cancellable, Comparable<Task> {
        private final Runnable runnable;
        private final long periodNanos;
        private long dueNanos;
        private long order;
        private boolean cancelled;

        Task(Runnable runnable, long dueNanos, long periodNanos, long order) {
            this.runnable = runnable;
            this.dueNanos = dueNanos;
            this.periodNanos = periodNanos;
            this.order = order;
        }

        void runOnce() {
            synchronized (VirtualScheduler.this) {
                if (cancelled) {
                    return;
                }
            }
            try {
                runnable.run();
            } catch (Throwable t) {
                if (propagating()) {
                    throw new IllegalStateException("scheduled task failed: " + t, t);
                }
                LOG.log(Level.ERROR, "scheduled task failed: " + runnable, t);
            }
            synchronized (VirtualScheduler.this) {
                if (periodNanos > 0 && !cancelled) {
                    dueNanos += periodNanos;
                    order = sequence++;
                    queue.add(this);
                }
            }
        }

        @Override
        public boolean cancel() {
            synchronized (VirtualScheduler.this) {
                // left in the queue and skipped when due: removal from a large heap is linear
                boolean wasActive = !cancelled;
                cancelled = true;
                return wasActive;
            }
        }

        @Override
        public int compareTo(Task other) {
            int byTime = Long.compare(dueNanos, other.dueNanos);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }
}
