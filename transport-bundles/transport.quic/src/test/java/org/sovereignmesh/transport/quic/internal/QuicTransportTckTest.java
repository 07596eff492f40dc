package org.sovereignmesh.transport.quic.internal;

import org.sovereignmesh.transport.netty.internal.NettyTckFixture;
import org.sovereignmesh.transport.tck.TransportFixture;
import org.sovereignmesh.transport.tck.TransportTck;

/** The conformance kit on real QUIC connections over loopback. */
class QuicTransportTckTest extends TransportTck {
    @Override
    protected TransportFixture createFixture() {
        return new NettyTckFixture("quic", QuicTransport::new);
    }
}
