package org.sovereignmesh.transport.udp.internal;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.transport.LinkInfo;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.core.internal.RealNodes;
import org.sovereignmesh.transport.netty.internal.TransportSettings;

/**
 * A stopping transport's goodbye (the UDP CLOSE datagram) must leave before its sockets close. It used to be lost
 * about one stop in twenty: Netty closes every channel before draining queued writes when its event-loop group
 * shuts down. Repeated, because the race needs many tries to show.
 */
class UdpCloseNoticeTest {
    @Test
    void aStoppingTransportsGoodbyeIsNeverLost() throws Exception {
        for (int i = 0; i < 20; i++) {
            try (RealNodes nodes = new RealNodes()) {
                RealNodes.Node a = nodes.node();
                RealNodes.Node b = nodes.node();
                TransportSettings settings = TransportSettings.defaults(0).withListen("127.0.0.1", 0);
                Transport ta = new UdpTransport("t", settings);
                Transport tb = new UdpTransport("t", settings);
                a.mesh.addTransport(ta, "x");
                b.mesh.addTransport(tb, "x");
                RealNodes.eventually("b listening", Duration.ofSeconds(5), () -> !b.mesh.transports().isEmpty()
                        && !b.mesh.transports().get(0).localAddresses().isEmpty());
                MeshAddress target = b.mesh.transports().get(0).localAddresses().get(0);
                LinkInfo link = RealNodes.await(a.mesh.connect(target.withPeer(b.peer())), Duration.ofSeconds(10));
                RealNodes.eventually("b sees a", Duration.ofSeconds(5), () -> b.mesh.neighbours().contains(a.peer()));
                a.mesh.removeTransport(ta);
                try {
                    RealNodes.eventually("b closed", Duration.ofSeconds(3), () -> b.mesh.links().isEmpty());
                } catch (AssertionError e) {
                    throw new AssertionError("iteration " + i + ": " + e.getMessage());
                }
            }
        }
    }
}
