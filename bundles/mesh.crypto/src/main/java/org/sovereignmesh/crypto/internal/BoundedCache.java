package org.sovereignmesh.crypto.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** A small thread-safe least-recently-used map: what crypto keeps to avoid repeating curve arithmetic. */
final class BoundedCache<K, V> {
    private final Map<K, V> map;

    BoundedCache(int capacity) {
        this.map = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized V get(K key) {
        return map.get(key);
    }

    synchronized void put(K key, V value) {
        map.put(key, value);
    }

    /** Computes outside the lock (the work may be slow); a race costs a repeated computation, never a wrong value. */
    V computeIfAbsent(K key, Function<K, V> compute) {
        V known = get(key);
        if (known != null) {
            return known;
        }
        V computed = compute.apply(key);
        if (computed != null) {
            put(key, computed);
        }
        return computed;
    }

    synchronized int size() {
        return map.size();
    }
}
