package org.sovereignmesh.core.internal;

import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.crypto.MeshCrypto;
import org.sovereignmesh.crypto.NodeKeys;

/**
 * Builds real mesh nodes for the DHT's end-to-end tests. Lives in the core's package (on the test class path only)
 * because the node's settings are not public API.
 */
public final class TestMeshNodes {
    private TestMeshNodes() {
    }

    public static MeshNode node(NodeKeys keys, MeshCrypto crypto, Scheduler clock) {
        NodeSettings settings = new NodeSettings();
        settings.autoConnect = false;
        return new MeshNode(keys, crypto, clock, clock, settings);
    }
}
