package org.sovereignmesh.transport.satellite.internal;

import java.time.Duration;

/** How the satellite transport spends sessions (they cost money) and retries. Immutable, validated. */
final class SatelliteSettings {
    final int mtu;
    final int queueLimit;
    final int maxSessionsPerDay;
    final int maxAttempts;
    final Duration backoffBase;
    final Duration backoffMax;
    final Duration mailboxCheckInterval;
    final Duration reconnectInterval;

    SatelliteSettings(int mtu, int queueLimit, int maxSessionsPerDay, int maxAttempts, Duration backoffBase,
            Duration backoffMax, Duration mailboxCheckInterval, Duration reconnectInterval) {
        if (mtu < 64 || mtu > SbdDriver.MAX_MO) {
            throw new IllegalArgumentException("MTU must be 64 to " + SbdDriver.MAX_MO + " bytes, got " + mtu);
        }
        if (queueLimit < 1 || maxSessionsPerDay < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("queue limit, sessions per day and attempts must be at least 1");
        }
        if (backoffBase.isNegative() || backoffBase.isZero() || backoffMax.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException("backoff must be positive and its maximum at least its base");
        }
        this.mtu = mtu;
        this.queueLimit = queueLimit;
        this.maxSessionsPerDay = maxSessionsPerDay;
        this.maxAttempts = maxAttempts;
        this.backoffBase = backoffBase;
        this.backoffMax = backoffMax;
        this.mailboxCheckInterval = mailboxCheckInterval;
        this.reconnectInterval = reconnectInterval;
    }

    static SatelliteSettings defaults() {
        return new SatelliteSettings(SbdDriver.MAX_MO, 8, 200, 6, Duration.ofSeconds(20), Duration.ofMinutes(10),
                Duration.ofMinutes(60), Duration.ofSeconds(30));
    }

    /** @return the wait before attempt {@code attempt} (2, 3, ...): base, 2 base, 4 base, ... up to the maximum */
    Duration backoff(int attempt) {
        long factor = 1L << Math.min(20, Math.max(0, attempt - 2));
        Duration wait = backoffBase.multipliedBy(factor);
        return wait.compareTo(backoffMax) > 0 ? backoffMax : wait;
    }
}
