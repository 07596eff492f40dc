package org.sovereignmesh.transport.tcp.internal;

import org.sovereignmesh.transport.netty.internal.NettyTckFixture;
import org.sovereignmesh.transport.tck.TransportFixture;
import org.sovereignmesh.transport.tck.TransportTck;

/** The conformance kit on real Tcp sockets over loopback. */
class TcpTransportTckTest extends TransportTck {
    @Override
    protected TransportFixture createFixture() {
        return new NettyTckFixture("tcp", TcpTransport::new);
    }
}
