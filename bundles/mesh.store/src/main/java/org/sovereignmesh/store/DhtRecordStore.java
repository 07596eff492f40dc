package org.sovereignmesh.store;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.sovereignmesh.api.PeerId;

/**
 * The DHT records a node keeps: at most one per (key, publisher), the one with the highest sequence number.
 * Every write is durable when the method returns.
 */
@ProviderType
public interface DhtRecordStore {

    /**
     * Stores the record unless one of the same key and publisher with a higher sequence is already there.
     *
     * @return whether the record was stored
     */
    boolean put(StoredRecord record);

    /** @return every record stored under {@code key}, in publisher order */
    List<StoredRecord> get(byte[] key);

    /** @return whether a record was deleted */
    boolean delete(byte[] key, PeerId publisher);

    /**
     * @return up to {@code limit} records, in (key, publisher) order, starting after the given position (both
     *         {@code null} for the start): how a node reloads everything after a restart, page by page
     */
    List<StoredRecord> list(byte[] afterKey, PeerId afterPublisher, int limit);

    /** Deletes every record that expired at or before {@code nowMillis}; returns how many. */
    int deleteExpired(long nowMillis);

    /** @return how many records are stored */
    long size();
}
