package org.sovereignmesh.transport.tcp.internal;

import java.util.List;

import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.transport.netty.internal.TransportContractTest;
import org.sovereignmesh.transport.netty.internal.TransportSettings;

class TcpTransportTest extends TransportContractTest {
    @Override
    protected Transport create(String id, TransportSettings settings) {
        return new TcpTransport(id, settings);
    }

    @Override
    protected List<String> shape() {
        return List.of("tcp");
    }
}
