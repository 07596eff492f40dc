package org.sovereignmesh.store;

import java.util.Objects;

/** An item of a {@link RecordQueue}, with the position the queue gave it. Immutable. */
public final class QueueEntry {
    private final long sequence;
    private final byte[] item;
    private final long enqueuedAtMillis;

    public QueueEntry(long sequence, byte[] item, long enqueuedAtMillis) {
        this.sequence = sequence;
        this.item = Objects.requireNonNull(item, "item").clone();
        this.enqueuedAtMillis = enqueuedAtMillis;
    }

    /** @return the position in the queue: increasing, never reused */
    public long sequence() {
        return sequence;
    }

    /** @return a copy of the item */
    public byte[] item() {
        return item.clone();
    }

    public long enqueuedAtMillis() {
        return enqueuedAtMillis;
    }

    @Override
    public String toString() {
        return "QueueEntry[" + sequence + ", " + item.length + " bytes]";
    }
}
