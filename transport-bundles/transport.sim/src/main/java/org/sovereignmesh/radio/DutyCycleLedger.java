package org.sovereignmesh.radio;

import java.util.ArrayDeque;

/**
 * A sliding-window duty-cycle budget: within any window (one hour by default, as ETSI EN 300 220 measures it) the
 * airtime of transmissions that ended inside the window may not exceed {@code dutyCycle} of the window. Not
 * thread-safe: keep it on one scheduler. Memory is bounded by the number of transmissions that fit the budget.
 *
 * <p>Shared by the simulated medium (as the regulator's view) and radio transports (to stay within it); not an
 * API: transports embed this package.
 */
public final class DutyCycleLedger {
    public static final long HOUR_NANOS = 3_600_000_000_000L;

    private final double dutyCycle;
    private final long windowNanos;
    private final long budgetNanos;
    /** {end, airtime} of transmissions still inside the window, oldest first. */
    private final ArrayDeque<long[]> entries = new ArrayDeque<>();
    private long usedNanos;

    public DutyCycleLedger(double dutyCycle) {
        this(dutyCycle, HOUR_NANOS);
    }

    public DutyCycleLedger(double dutyCycle, long windowNanos) {
        if (!(dutyCycle > 0.0 && dutyCycle <= 1.0)) {
            throw new IllegalArgumentException("duty cycle must be in (0, 1], got " + dutyCycle);
        }
        if (windowNanos <= 0) {
            throw new IllegalArgumentException("window must be positive");
        }
        this.dutyCycle = dutyCycle;
        this.windowNanos = windowNanos;
        this.budgetNanos = (long) Math.floor(dutyCycle * windowNanos);
    }

    public double dutyCycle() {
        return dutyCycle;
    }

    /** @return airtime allowed per window, in nanoseconds */
    public long budgetNanos() {
        return budgetNanos;
    }

    /** @return airtime used by transmissions that ended within the window before {@code nowNanos} */
    public long usedNanos(long nowNanos) {
        expire(nowNanos);
        return usedNanos;
    }

    /**
     * @return nanoseconds from {@code nowNanos} until a transmission of {@code airtimeNanos} fits the budget; 0 if
     *         it fits now, {@link Long#MAX_VALUE} if it never can (longer than the whole budget)
     */
    public long waitNanos(long nowNanos, long airtimeNanos) {
        if (dutyCycle >= 1.0) {
            return 0;
        }
        if (airtimeNanos > budgetNanos) {
            return Long.MAX_VALUE;
        }
        expire(nowNanos);
        long excess = usedNanos + airtimeNanos - budgetNanos;
        if (excess <= 0) {
            return 0;
        }
        long freed = 0;
        for (long[] entry : entries) {
            freed += entry[1];
            if (freed >= excess) {
                // the entry leaves the window just after end + window
                return entry[0] + windowNanos - nowNanos + 1;
            }
        }
        throw new IllegalStateException("ledger inconsistent: used " + usedNanos + " but entries free only " + freed);
    }

    /** @return whether a transmission of {@code airtimeNanos} starting at {@code nowNanos} fits the budget */
    public boolean fits(long nowNanos, long airtimeNanos) {
        return waitNanos(nowNanos, airtimeNanos) == 0;
    }

    /** Books a transmission of {@code airtimeNanos} that starts at {@code startNanos}. */
    public void record(long startNanos, long airtimeNanos) {
        if (dutyCycle >= 1.0) {
            return;
        }
        entries.addLast(new long[] {startNanos + airtimeNanos, airtimeNanos});
        usedNanos += airtimeNanos;
    }

    private void expire(long nowNanos) {
        while (!entries.isEmpty() && entries.peekFirst()[0] + windowNanos < nowNanos) {
            usedNanos -= entries.pollFirst()[1];
        }
    }
}
