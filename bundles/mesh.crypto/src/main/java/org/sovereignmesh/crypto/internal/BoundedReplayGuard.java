package org.sovereignmesh.crypto.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

import org.sovereignmesh.crypto.CryptoException;
import org.sovereignmesh.crypto.OpenedPacket;
import org.sovereignmesh.crypto.ReplayGuard;

/**
 * Remembers accepted packet ids until their horizon passes. When full, it forgets the packets created earliest and
 * from then on refuses anything created before them, so a forgotten packet can never be accepted twice.
 */
final class BoundedReplayGuard implements ReplayGuard {
    /** Senders' clocks may run ahead of ours by this much. */
    static final long MAX_FUTURE_SKEW_MILLIS = 10 * 60 * 1000;

    private final long horizonMillis;
    private final int capacity;
    private final Map<ByteBuffer, Long> createdById = new HashMap<>();
    private final PriorityQueue<Entry> byCreation = new PriorityQueue<>();
    /** Packets created at or before this are refused: their ids may have been forgotten. */
    private long floorMillis = Long.MIN_VALUE;

    BoundedReplayGuard(Duration horizon, int capacity) {
        if (horizon.isNegative() || horizon.isZero() || capacity < 1) {
            throw new IllegalArgumentException("replay guard needs a positive horizon and capacity");
        }
        this.horizonMillis = horizon.toMillis();
        this.capacity = capacity;
    }

    @Override
    public void accept(OpenedPacket packet, long nowMillis) throws CryptoException {
        long created = packet.createdAtMillis();
        if (created > nowMillis + MAX_FUTURE_SKEW_MILLIS) {
            throw new CryptoException("packet dated " + (created - nowMillis) / 1000 + " s in the future");
        }
        if (created < nowMillis - horizonMillis) {
            throw new CryptoException("packet older than the replay horizon of " + horizonMillis / 1000 + " s");
        }
        forgetExpired(nowMillis);
        if (created <= floorMillis) {
            throw new CryptoException("packet older than the oldest one still remembered");
        }
        ByteBuffer id = ByteBuffer.wrap(packet.packetId());
        if (createdById.containsKey(id)) {
            throw new CryptoException("replayed packet");
        }
        createdById.put(id, created);
        byCreation.add(new Entry(id, created));
        while (createdById.size() > capacity) {
            Entry oldest = byCreation.poll();
            createdById.remove(oldest.id);
            floorMillis = Math.max(floorMillis, oldest.createdMillis);
        }
    }

    int size() {
        return createdById.size();
    }

    private void forgetExpired(long nowMillis) {
        long limit = nowMillis - horizonMillis;
        while (!byCreation.isEmpty() && byCreation.peek().createdMillis < limit) {
            createdById.remove(byCreation.poll().id);
        }
    }

    private static final class Entry implements Comparable<Entry> {
        final ByteBuffer id;
        final long createdMillis;

        Entry(ByteBuffer id, long createdMillis) {
            this.id = id;
            this.createdMillis = createdMillis;
        }

        @Override
        public int compareTo(Entry other) {
            return Long.compare(createdMillis, other.createdMillis);
        }
    }
}
