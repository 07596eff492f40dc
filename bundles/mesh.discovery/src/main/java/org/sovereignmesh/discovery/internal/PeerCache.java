package org.sovereignmesh.discovery.internal;

import java.io.IOException;
import java.util.List;

import org.sovereignmesh.api.transport.MeshAddress;

/**
 * Addresses (each ending in {@code /p2p/<peer>}) of neighbours that worked, kept across restarts so a node finds its
 * mesh again without a LAN announcement or a seed. A file today ({@link FilePeerCache}); the store API later.
 */
interface PeerCache {
    /** Most recent first. */
    List<MeshAddress> load() throws IOException;

    /** Replaces what is stored; atomically. */
    void save(List<MeshAddress> addresses) throws IOException;
}
