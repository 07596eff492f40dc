package org.sovereignmesh.transport.udp.internal;

import java.util.List;

import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.transport.netty.internal.TransportContractTest;
import org.sovereignmesh.transport.netty.internal.TransportSettings;

class UdpTransportTest extends TransportContractTest {
    @Override
    protected Transport create(String id, TransportSettings settings) {
        return new UdpTransport(id, settings);
    }

    @Override
    protected boolean lossy() {
        return true;
    }

    @Override
    protected List<String> shape() {
        return List.of("udp");
    }
}
