package org.sovereignmesh.transport.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.transport.MeshAddress;

class NettyAddressesTest {
    @Test
    void mapsBetweenMeshAndSocketAddresses() throws Exception {
        InetSocketAddress s = NettyAddresses.toSocketAddress(MeshAddress.parse("/ip4/10.0.0.2/tcp/4001"), "tcp");
        assertEquals(new InetSocketAddress(InetAddress.getByName("10.0.0.2"), 4001), s);
        InetSocketAddress v6 = NettyAddresses.toSocketAddress(MeshAddress.parse("/ip6/::1/udp/4003/quic-v1"), "udp");
        assertEquals(4003, v6.getPort());
        assertTrue(v6.getAddress().isLoopbackAddress());
        InetSocketAddress dns = NettyAddresses.toSocketAddress(MeshAddress.parse("/dns/example.org/tcp/443/ws"), "tcp");
        assertTrue(dns.isUnresolved(), "names are resolved when connecting, not when parsing");
        assertEquals("/ip6/::1/udp/4003/quic-v1",
                NettyAddresses.toMeshAddress(v6, "udp", List.of("quic-v1")).toString());
        assertEquals("/ip4/10.0.0.2/tcp/4001", NettyAddresses.toMeshAddress(s, "tcp", List.of()).toString());
    }

    @Test
    void rejectsWhatIsNotAnAddressOfTheRightShape() {
        assertThrows(IllegalArgumentException.class,
                () -> NettyAddresses.toSocketAddress(MeshAddress.parse("/ip4/example.org/tcp/1"), "tcp"));
        assertThrows(IllegalArgumentException.class,
                () -> NettyAddresses.toSocketAddress(MeshAddress.parse("/ip4/1.2.3.4/tcp/70000"), "tcp"));
        assertThrows(IllegalArgumentException.class,
                () -> NettyAddresses.toSocketAddress(MeshAddress.parse("/ip6/1.2.3.4/tcp/1"), "tcp"));
        assertTrue(NettyAddresses.matches(MeshAddress.parse("/ip4/1.2.3.4/tcp/1/ws/p2p/z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"),
                List.of("tcp", "ws")));
        assertFalse(NettyAddresses.matches(MeshAddress.parse("/ip4/1.2.3.4/tcp/1/ws"), List.of("tcp")));
        assertFalse(NettyAddresses.matches(MeshAddress.parse("/loopback/x"), List.of("tcp")));
    }

    @Test
    void aWildcardBindIsReportedAsConcreteAddresses() {
        List<MeshAddress> all = NettyAddresses.listenAddresses(new InetSocketAddress("0.0.0.0", 4001), "tcp", List.of());
        assertTrue(all.contains(MeshAddress.parse("/ip4/127.0.0.1/tcp/4001")), all.toString());
        assertTrue(all.stream().noneMatch(a -> a.toString().contains("0.0.0.0")), all.toString());
        assertEquals(List.of(MeshAddress.parse("/ip4/127.0.0.1/udp/5/quic-v1")), NettyAddresses.listenAddresses(
                new InetSocketAddress("127.0.0.1", 5), "udp", List.of("quic-v1")));
    }

    @Test
    void settingsComeFromConfigurationThenFrameworkPropertiesThenDefaults() {
        Map<String, String> framework = Map.of("mesh.tcp.port", "4101", "mesh.tcp.host", "127.0.0.1", "mesh.tcp.mtu", "2048");
        TransportSettings s = TransportSettings.from(Map.of("mtu", 4096, "idleTimeoutSeconds", "2.5",
                "keepaliveSeconds", 1), framework::get, "tcp", 4001);
        assertEquals(4101, s.port);
        assertEquals("127.0.0.1", s.host);
        assertEquals(4096, s.mtu, "configuration beats the framework property");
        assertEquals(2500, s.idleTimeout.toMillis());
        assertEquals(4001, TransportSettings.from(Map.of(), k -> null, "tcp", 4001).port);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TransportSettings.from(Map.of("port", "x"), k -> null, "tcp", 1));
        assertTrue(e.getMessage().contains("port"));
        assertThrows(IllegalArgumentException.class,
                () -> TransportSettings.from(Map.of("mtu", 10), k -> null, "tcp", 1));
    }
}
