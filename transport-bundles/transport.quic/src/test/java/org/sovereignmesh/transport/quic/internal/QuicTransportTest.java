package org.sovereignmesh.transport.quic.internal;

import java.util.List;

import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.transport.netty.internal.TransportContractTest;
import org.sovereignmesh.transport.netty.internal.TransportSettings;

class QuicTransportTest extends TransportContractTest {
    @Override
    protected Transport create(String id, TransportSettings settings) {
        return new QuicTransport(id, settings);
    }

    @Override
    protected List<String> shape() {
        return List.of("udp", "quic-v1");
    }
}
