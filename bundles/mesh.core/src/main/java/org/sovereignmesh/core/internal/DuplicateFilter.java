package org.sovereignmesh.core.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Remembers packet ids for a while so a packet that comes back (a loop, a flood, a second path) is handled once.
 * Bounded: ids are forgotten after {@code horizonNanos} or when more than {@code capacity} are held.
 */
final class DuplicateFilter {
    private final long horizonNanos;
    private final int capacity;
    /** id -> when it was seen */
    private final Map<Long, Long> ids = new HashMap<>();
    private final ArrayDeque<long[]> order = new ArrayDeque<>(); // {id, seen at}, oldest first

    DuplicateFilter(long horizonNanos, int capacity) {
        this.horizonNanos = horizonNanos;
        this.capacity = capacity;
    }

    /** @return whether {@code id} is new (and now remembered) */
    boolean firstTime(long id, long nowNanos) {
        while (!order.isEmpty() && (nowNanos - order.peekFirst()[1] > horizonNanos || order.size() >= capacity)) {
            long[] oldest = order.pollFirst();
            ids.remove(oldest[0], oldest[1]); // unless forgotten and seen again since
        }
        if (ids.putIfAbsent(id, nowNanos) != null) {
            return false;
        }
        order.addLast(new long[] {id, nowNanos});
        return true;
    }

    /** Forgets {@code id}: it is new again. */
    void forget(long id) {
        ids.remove(id);
    }

    int size() {
        return ids.size();
    }
}
