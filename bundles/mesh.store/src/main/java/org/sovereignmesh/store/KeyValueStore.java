package org.sovereignmesh.store;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** A persistent map from text keys to byte values. Every write is durable when the method returns. */
@ProviderType
public interface KeyValueStore {

    /** @return the value stored under {@code key} */
    Optional<byte[]> get(String key);

    /**
     * Stores {@code value} under {@code key}, replacing what was there.
     *
     * @throws StoreException with {@link StoreException.Reason#INVALID_ARGUMENT} if the key is empty or longer than
     *         {@link MeshStore#MAX_KEY_LENGTH}, or the value larger than {@link MeshStore#MAX_VALUE_SIZE}
     */
    void put(String key, byte[] value);

    /** @return whether there was a value to delete */
    boolean delete(String key);

    /** @return up to {@code limit} keys starting with {@code prefix}, in ascending order */
    List<String> keys(String prefix, int limit);

    /** @return how many entries the map holds */
    long size();
}
