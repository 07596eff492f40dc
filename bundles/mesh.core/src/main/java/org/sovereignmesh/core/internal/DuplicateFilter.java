package org.sovereignmesh.core.internal;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * Remembers packet ids for a while so a packet that comes back (a loop, a flood, a second path) is handled once.
 * Bounded: ids are forgotten after {@code horizonNanos} or when more than {@code capacity} are held.
 */
final class DuplicateFilter {
    private final long horizonNanos;
    private final int capacity;
    private final Set<Long> ids = new HashSet<>();
    private final ArrayDeque<long[]> order = new ArrayDeque<>(); // {id, seen at}

    DuplicateFilter(long horizonNanos, int capacity) {
        this.horizonNanos = horizonNanos;
        this.capacity = capacity;
    }

    /** @return whether {@code id} is new (and now remembered) */
    boolean firstTime(long id, long nowNanos) {
        while (!order.isEmpty() && (nowNanos - order.peekFirst()[1] > horizonNanos || order.size() >= capacity)) {
            ids.remove(order.pollFirst()[0]);
        }
        if (!ids.add(id)) {
            return false;
        }
        order.addLast(new long[] {id, nowNanos});
        return true;
    }

    int size() {
        return ids.size();
    }
}
