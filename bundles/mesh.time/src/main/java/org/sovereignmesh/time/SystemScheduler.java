package org.sovereignmesh.time;

import java.lang.System.Logger.Level;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.sovereignmesh.api.time.Cancellable;
import org.sovereignmesh.api.time.Scheduler;

/**
 * Wall-clock {@link Scheduler}: one daemon thread runs every task in due order. Close it to stop the thread;
 * tasks submitted afterwards are dropped with a debug log line, because during shutdown that is expected.
 */
public final class SystemScheduler implements Scheduler, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SystemScheduler.class.getName());

    private final ScheduledThreadPoolExecutor executor;
    private volatile Thread thread;

    /** @param threadName name of the event-loop thread, shown in thread dumps */
    public SystemScheduler(String threadName) {
        executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread t = new Thread(runnable, threadName);
            t.setDaemon(true);
            thread = t;
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.prestartCoreThread();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public long currentTimeMillis() {
        return System.currentTimeMillis();
    }

    @Override
    public void execute(Runnable task) {
        schedule(task, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
        try {
            ScheduledFuture<?> future = executor.schedule(guarded(task), delay, unit);
            return () -> future.cancel(false);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "scheduler closed, dropping task {0}", task);
            return () -> false;
        }
    }

    @Override
    public Cancellable scheduleAtFixedRate(Runnable task, long initialDelay, long period, TimeUnit unit) {
        if (period <= 0) {
            throw new IllegalArgumentException("period must be positive, got " + period);
        }
        Repeating repeating = new Repeating(task, unit.toNanos(period));
        repeating.arm(System.nanoTime() + unit.toNanos(initialDelay));
        return repeating;
    }

    @Override
    public boolean inSchedulerThread() {
        return Thread.currentThread() == thread;
    }

    /** Stops the thread; pending tasks are dropped. */
    @Override
    public void close() {
        executor.shutdownNow();
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                LOG.log(Level.ERROR, "scheduled task failed: " + task, t);
            }
        };
    }

    /** Re-arms itself after each run, skipping missed periods instead of bursting. */
    private final class Repeating implements Cancellable, Runnable {
        private final Runnable task;
        private final long periodNanos;
        private volatile boolean cancelled;
        private volatile ScheduledFuture<?> next;
        private long dueNanos;

        Repeating(Runnable task, long periodNanos) {
            this.task = task;
            this.periodNanos = periodNanos;
        }

        void arm(long atNanos) {
            dueNanos = atNanos;
            try {
                next = executor.schedule(this, Math.max(0, atNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                cancelled = true;
            }
        }

        @Override
        public void run() {
            if (cancelled) {
                return;
            }
            guarded(task).run();
            long now = System.nanoTime();
            long following = dueNanos + periodNanos;
            if (following < now) {
                following = now + periodNanos - ((now - dueNanos) % periodNanos);
            }
            if (!cancelled) {
                arm(following);
            }
        }

        @Override
        public boolean cancel() {
            boolean wasActive = !cancelled;
            cancelled = true;
            ScheduledFuture<?> future = next;
            if (future != null) {
                future.cancel(false);
            }
            return wasActive;
        }
    }
}
