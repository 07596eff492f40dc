package org.sovereignmesh.transport.udp.internal;

import org.sovereignmesh.transport.netty.internal.NettyTckFixture;
import org.sovereignmesh.transport.tck.TransportFixture;
import org.sovereignmesh.transport.tck.TransportTck;

/** The conformance kit on real UDP sockets over loopback (connectionless: one link per address pair). */
class UdpTransportTckTest extends TransportTck {
    @Override
    protected TransportFixture createFixture() {
        return new NettyTckFixture("udp", UdpTransport::new, true);
    }
}
