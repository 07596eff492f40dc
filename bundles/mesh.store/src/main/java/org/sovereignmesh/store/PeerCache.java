package org.sovereignmesh.store;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.sovereignmesh.api.PeerId;

/**
 * Peers this node has met, remembered across restarts so it can rejoin the mesh without a central server. Shared
 * by every bundle that learns of peers (DHT, LAN discovery, seed lists): each entry says where it came from, and
 * there is at most one entry per (peer, source).
 */
@ProviderType
public interface PeerCache {

    /** Most entries one source may keep; the least recently seen are dropped beyond it. */
    int MAX_ENTRIES_PER_SOURCE = 10_000;

    /** Adds or replaces the entry for (peer, source). */
    void put(PeerCacheEntry entry);

    /** Adds or replaces many entries in one transaction. */
    void putAll(List<PeerCacheEntry> entries);

    /** @return the entry for (peer, source) */
    Optional<PeerCacheEntry> get(PeerId peer, String source);

    /** @return every entry for {@code peer}, whatever its source */
    List<PeerCacheEntry> get(PeerId peer);

    /**
     * @param source a source, or {@code null} for all
     * @return up to {@code limit} entries, most recently seen first
     */
    List<PeerCacheEntry> recent(String source, int limit);

    /** @return whether an entry was removed */
    boolean remove(PeerId peer, String source);

    /** @return how many entries there are, all sources together */
    long size();
}
