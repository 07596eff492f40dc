package org.sovereignmesh.store;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's persistent store. Registered as an OSGi service by the store engine once its data is open and
 * checked; absent (with the reason logged) when the data cannot be opened.
 *
 * <p>Names of maps and queues are 1 to 64 characters {@code [A-Za-z0-9._-]}; use a prefix per bundle, for example
 * {@code "dht.settings"}.
 */
@ProviderType
public interface MeshStore {

    /** Longest name of a map or queue. */
    int MAX_NAME_LENGTH = 64;
    /** Longest key of a key/value entry, in characters. */
    int MAX_KEY_LENGTH = 255;
    /** Largest value, queue item or record, in bytes. */
    int MAX_VALUE_SIZE = 1 << 20;

    /** @return the named key/value map (created empty on first use) */
    KeyValueStore keyValue(String name);

    /** @return the named first-in first-out queue (created empty on first use) */
    RecordQueue queue(String name);

    /** @return the table of DHT records this node stores for others and publishes itself */
    DhtRecordStore dhtRecords();

    /** @return the cache of peers this node has seen, with their addresses */
    PeerCache peerCache();

    /** @return where the data lives, for people (a directory path, or a description for other engines) */
    String location();
}
