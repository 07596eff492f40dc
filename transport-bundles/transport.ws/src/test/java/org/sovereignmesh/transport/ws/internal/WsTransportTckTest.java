package org.sovereignmesh.transport.ws.internal;

import org.sovereignmesh.transport.netty.internal.NettyTckFixture;
import org.sovereignmesh.transport.tck.TransportFixture;
import org.sovereignmesh.transport.tck.TransportTck;

/** The conformance kit on real Ws sockets over loopback. */
class WsTransportTckTest extends TransportTck {
    @Override
    protected TransportFixture createFixture() {
        return new NettyTckFixture("ws", WsTransport::new);
    }
}
