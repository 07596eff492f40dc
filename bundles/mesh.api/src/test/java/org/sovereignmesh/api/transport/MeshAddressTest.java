package org.sovereignmesh.api.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sovereignmesh.api.PeerId;

class MeshAddressTest {
    private static final String PEER = "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp";

    @ParameterizedTest
    @ValueSource(strings = {"/ip4/127.0.0.1/tcp/4001", "/ip6/::1/udp/4001/quic-v1", "/dns/example.org/tcp/443/wss",
            "/lora/868.1/sf/9", "/loopback/node-a", "/ip4/10.0.0.2/tcp/4001/p2p/" + PEER, "/fs/%2Fmedia%2Fusb%20stick"})
    void canonicalFormRoundTrips(String text) {
        MeshAddress address = MeshAddress.parse(text);
        assertEquals(text, address.toString());
        assertEquals(address, MeshAddress.parse(address.toString()));
    }

    @Test
    void exposesComponents() {
        MeshAddress a = MeshAddress.parse("/ip4/10.0.0.2/tcp/4001/ws/p2p/" + PEER);
        assertEquals(List.of("ip4", "tcp", "ws", "p2p"), a.protocols());
        assertEquals("ip4", a.firstProtocol());
        assertEquals(Optional.of("4001"), a.value("tcp"));
        assertEquals(Optional.empty(), a.value("ws"));
        assertTrue(a.has("ws"));
        assertFalse(a.has("udp"));
        assertEquals(Optional.of(PeerId.parse(PEER)), a.peer());
        assertEquals("/ip4/10.0.0.2/tcp/4001/ws", a.withoutPeer().toString());
    }

    @Test
    void buildsAndEncodesValues() {
        MeshAddress a = MeshAddress.of("fs", "/media/usb stick").with("ws", null);
        assertEquals("/fs/%2Fmedia%2Fusb%20stick/ws", a.toString());
        assertEquals(Optional.of("/media/usb stick"), MeshAddress.parse(a.toString()).value("fs"));
        MeshAddress withPeer = MeshAddress.parse("/loopback/a").withPeer(PeerId.parse(PEER));
        assertEquals("/loopback/a/p2p/" + PEER, withPeer.toString());
        assertEquals(withPeer, withPeer.withPeer(PeerId.parse(PEER)));
        assertEquals(Optional.of("ünïcode"), MeshAddress.parse(MeshAddress.of("name", "ünïcode").toString()).value("name"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ip4/1.2.3.4", "/", "/ip4", "/ip4/1.2.3.4/tcp", "/ip4//tcp/1", "/IP4/1.2.3.4",
            "/tcp/1/%2", "/tcp/%zz", "/ws/x"})
    void rejectsMalformedText(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MeshAddress.parse(text));
        assertFalse(e.getMessage().isBlank());
    }

    @Test
    void rejectsOversizedAddresses() {
        assertThrows(IllegalArgumentException.class, () -> MeshAddress.parse("/x/" + "a".repeat(MeshAddress.MAX_LENGTH)));
        assertThrows(IllegalArgumentException.class, () -> MeshAddress.parse(null));
    }
}
