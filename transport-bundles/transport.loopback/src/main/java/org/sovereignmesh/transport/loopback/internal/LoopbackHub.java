package org.sovereignmesh.transport.loopback.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.sovereignmesh.api.transport.MeshAddress;

/** Every started loopback endpoint of this JVM (of this bundle's class space), by address. */
final class LoopbackHub {
    private static final Map<MeshAddress, LoopbackTransport> ENDPOINTS = new ConcurrentHashMap<>();

    private LoopbackHub() {
    }

    /** @return whether the address was free and is now taken by {@code endpoint} */
    static boolean register(MeshAddress name, LoopbackTransport endpoint) {
        if (ENDPOINTS.putIfAbsent(name, endpoint) != null) {
            return false;
        }
        List<LoopbackTransport> others = new ArrayList<>(ENDPOINTS.values());
        for (LoopbackTransport other : others) {
            if (other != endpoint) {
                other.endpointAppeared(name);
            }
        }
        return true;
    }

    static void unregister(MeshAddress name, LoopbackTransport endpoint) {
        ENDPOINTS.remove(name, endpoint);
    }

    static LoopbackTransport lookup(MeshAddress name) {
        return ENDPOINTS.get(name);
    }
}
