package org.sovereignmesh.api.time;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A clock and a serial event loop.
 *
 * <p>Tasks run one at a time, in order of due time (ties in submission order), on the scheduler's own thread.
 * Code confined to that thread needs no locks: this is how protocol state machines are written. A task must not
 * block; it hands blocking work elsewhere and continues in a later task. An exception thrown by a task is logged
 * and does not stop the scheduler.
 *
 * <p>Implementations: a wall-clock scheduler for real nodes, a virtual-time one for tests and simulation, where
 * {@link #nanoTime()} and {@link #currentTimeMillis()} advance only as tasks become due.
 */
@ProviderType
public interface Scheduler extends Executor {

    /** @return monotonic time in nanoseconds, for measuring intervals only */
    long nanoTime();

    /** @return wall-clock time in milliseconds since the epoch, for timestamps that outlive the process */
    long currentTimeMillis();

    /** Runs {@code task} as soon as possible, after the tasks already due. */
    @Override
    void execute(Runnable task);

    /** Runs {@code task} once, {@code delay} from now. */
    Cancellable schedule(Runnable task, long delay, TimeUnit unit);

    /** Runs {@code task} once, {@code delay} from now. */
    default Cancellable schedule(Runnable task, Duration delay) {
        return schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Runs {@code task} every {@code period}, first after {@code initialDelay}, until cancelled. Periods are
     * measured between start times; a late run does not cause a burst of catch-up runs.
     */
    Cancellable scheduleAtFixedRate(Runnable task, long initialDelay, long period, TimeUnit unit);

    /** @return whether the caller is running on this scheduler's thread */
    boolean inSchedulerThread();
}
