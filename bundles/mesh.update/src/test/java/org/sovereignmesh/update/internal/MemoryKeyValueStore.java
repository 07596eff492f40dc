package org.sovereignmesh.update.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

import org.sovereignmesh.store.KeyValueStore;
import org.sovereignmesh.store.MeshStore;
import org.sovereignmesh.store.StoreException;

/**
 * The store's key/value map in memory, with its limits: every write is "durable" at once, as the Derby store's are,
 * so a node restarted on the same instance finds what it wrote. {@link #failAfterWrites} makes later writes fail,
 * as a node killed in the middle of several writes would leave things.
 */
final class MemoryKeyValueStore implements KeyValueStore {
    final ConcurrentSkipListMap<String, byte[]> entries = new ConcurrentSkipListMap<>();
    /** Writes (put or delete) still allowed; negative: unlimited. */
    volatile int failAfterWrites = -1;

    @Override
    public Optional<byte[]> get(String key) {
        return Optional.ofNullable(entries.get(key)).map(byte[]::clone);
    }

    @Override
    public void put(String key, byte[] value) {
        if (key.isEmpty() || key.length() > MeshStore.MAX_KEY_LENGTH || value.length > MeshStore.MAX_VALUE_SIZE) {
            throw new StoreException(StoreException.Reason.INVALID_ARGUMENT, "key " + key + " or value of "
                    + value.length + " bytes out of bounds");
        }
        write();
        entries.put(key, value.clone());
    }

    @Override
    public boolean delete(String key) {
        write();
        return entries.remove(key) != null;
    }

    @Override
    public List<String> keys(String prefix, int limit) {
        List<String> keys = new ArrayList<>();
        for (String key : entries.tailMap(prefix).keySet()) {
            if (!key.startsWith(prefix) || keys.size() >= limit) {
                break;
            }
            keys.add(key);
        }
        return keys;
    }

    @Override
    public long size() {
        return entries.size();
    }

    private void write() {
        if (failAfterWrites == 0) {
            throw new StoreException(StoreException.Reason.IO, "the node was killed");
        }
        if (failAfterWrites > 0) {
            failAfterWrites--;
        }
    }
}
