package org.sovereignmesh.core.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.status.DeliveryInfo;
import org.sovereignmesh.api.status.DeliveryInfo.State;

/**
 * What became of the messages this node's applications sent: every message still on its way, and the most recent
 * finished ones up to a bound. Loop-confined.
 */
final class DeliveryLog {
    private final int finishedCapacity;
    /** Oldest first; an entry moves to the end when it changes. */
    private final LinkedHashMap<Long, Entry> entries = new LinkedHashMap<>();
    private int finished;

    DeliveryLog(int finishedCapacity) {
        this.finishedCapacity = finishedCapacity;
    }

    private static final class Entry {
        final long messageId;
        final PeerId destination;
        final String channel;
        final int size;
        final boolean reliable;
        final long acceptedMillis;
        final long expiresMillis;
        State state = State.WAITING;
        int attempts;
        long updatedMillis;
        String detail = "";

        Entry(long messageId, PeerId destination, String channel, int size, boolean reliable, long acceptedMillis,
                long expiresMillis) {
            this.messageId = messageId;
            this.destination = destination;
            this.channel = channel;
            this.size = size;
            this.reliable = reliable;
            this.acceptedMillis = acceptedMillis;
            this.expiresMillis = expiresMillis;
            this.updatedMillis = acceptedMillis;
        }

        DeliveryInfo info() {
            return new DeliveryInfo(Long.toHexString(messageId), destination, channel, size, reliable, state, attempts,
                    acceptedMillis, updatedMillis, expiresMillis, detail);
        }
    }

    void accepted(long messageId, PeerId destination, String channel, int size, boolean reliable, long nowMillis,
            long expiresMillis) {
        entries.put(messageId, new Entry(messageId, destination, channel, size, reliable, nowMillis, expiresMillis));
    }

    /** One more attempt left this node, by way of {@code path}. */
    void attempted(long messageId, String path, long nowMillis) {
        Entry entry = entries.get(messageId);
        if (entry != null && entry.state == State.WAITING) {
            entry.attempts++;
            entry.detail = "last attempt via " + path;
            entry.updatedMillis = nowMillis;
        }
    }

    void sent(long messageId, String path, long nowMillis) {
        finish(messageId, State.SENT, path, nowMillis);
    }

    void delivered(long messageId, String detail, long nowMillis) {
        finish(messageId, State.DELIVERED, detail, nowMillis);
    }

    void failed(long messageId, String reason, long nowMillis) {
        finish(messageId, State.FAILED, reason, nowMillis);
    }

    private void finish(long messageId, State state, String detail, long nowMillis) {
        Entry entry = entries.remove(messageId);
        if (entry == null || entry.state != State.WAITING) {
            if (entry != null) {
                entries.put(messageId, entry);
            }
            return;
        }
        if (state == State.SENT) {
            entry.attempts++;
        }
        entry.state = state;
        entry.detail = detail;
        entry.updatedMillis = nowMillis;
        entries.put(messageId, entry);
        finished++;
        for (Iterator<Entry> it = entries.values().iterator(); finished > finishedCapacity && it.hasNext();) {
            if (it.next().state != State.WAITING) {
                it.remove();
                finished--;
            }
        }
    }

    /** @return up to {@code max} entries, the most recently changed first */
    List<DeliveryInfo> recent(int max) {
        List<DeliveryInfo> all = new ArrayList<>(entries.size());
        for (Entry entry : entries.values()) {
            all.add(entry.info());
        }
        List<DeliveryInfo> newestFirst = new ArrayList<>(Math.min(max, all.size()));
        for (int i = all.size() - 1; i >= 0 && newestFirst.size() < max; i--) {
            newestFirst.add(all.get(i));
        }
        return newestFirst;
    }

    Optional<DeliveryInfo> get(long messageId) {
        return Optional.ofNullable(entries.get(messageId)).map(Entry::info);
    }

    int size() {
        return entries.size();
    }
}
