package org.sovereignmesh.discovery.internal;

import java.time.Duration;
import java.util.Random;

/** Exponential backoff with full jitter: attempt n waits a random time in [d/2, d] with d = min(max, first * 2^n). */
final class Backoff {
    private final Duration first;
    private final Duration max;
    private final Random random;

    Backoff(Duration first, Duration max, Random random) {
        this.first = first;
        this.max = max;
        this.random = random;
    }

    Duration delay(int attempt) {
        long ceiling = first.toMillis() << Math.min(attempt, 20);
        long capped = Math.min(max.toMillis(), ceiling);
        long half = capped / 2;
        return Duration.ofMillis(half + (long) (random.nextDouble() * (capped - half)));
    }
}
