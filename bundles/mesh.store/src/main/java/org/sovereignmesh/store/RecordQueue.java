package org.sovereignmesh.store;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A persistent first-in first-out queue (store-and-forward, outboxes). Items keep their order; an item leaves the
 * queue only when {@link #remove(long) removed}, so a crash between {@link #peek(int)} and processing loses nothing.
 */
@ProviderType
public interface RecordQueue {

    /**
     * Appends an item; durable when this returns.
     *
     * @return the item's sequence number, larger than every earlier one of this queue
     */
    long append(byte[] item);

    /** @return the oldest {@code max} items, oldest first, without removing them */
    List<QueueEntry> peek(int max);

    /** @return whether the item was still in the queue */
    boolean remove(long sequence);

    /** @return how many items wait */
    long size();
}
