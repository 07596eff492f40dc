package org.sovereignmesh.transport.tck;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waiting in real time, for the few tests that drive real I/O (ptys, processes) on a wall-clock scheduler. They
 * wait for what must happen and never assert how fast it happened.
 */
public final class WallClock {
    private WallClock() {
    }

    /** Polls {@code condition} until it holds; fails saying {@code what} was awaited if {@code patience} runs out. */
    public static void await(String what, Duration patience, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + patience.toSeconds() + " s: " + what);
            }
            Thread.sleep(10);
        }
    }
}
