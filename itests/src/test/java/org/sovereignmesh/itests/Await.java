package org.sovereignmesh.itests;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for something asynchronous to become true in an integration test, failing with what was expected. */
final class Await {
    private Await() {
    }

    static void until(String what, Duration timeout, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Boolean.TRUE.equals(condition.get())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }
}
