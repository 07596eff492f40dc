package org.sovereignmesh.transport.loopback.internal;

import java.time.Duration;
import java.util.UUID;

import org.sovereignmesh.api.transport.TransportProfile;
import org.sovereignmesh.transport.tck.TransportFixture;
import org.sovereignmesh.transport.tck.TransportTck;

/** The loopback transport passes the conformance kit, with a latency and bit rate the latency test can check. */
class LoopbackTransportTckTest extends TransportTck {

    @Override
    protected TransportFixture createFixture() {
        // endpoints of one fixture share a medium no other test uses
        String medium = "tck-" + UUID.randomUUID().toString().substring(0, 8);
        TransportProfile profile = TransportProfile.builder().mtu(1500).latency(Duration.ofMillis(5))
                .bitrate(1_000_000).build();
        return (index, clock) -> new LoopbackTransport("loopback-" + index, medium, "node-" + index, profile, false);
    }
}
