package org.sovereignmesh.dht.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.crypto.internal.LocalNodeKeys;
import org.sovereignmesh.dht.Dht;
import org.sovereignmesh.dht.internal.DhtMessage.FindNode;
import org.sovereignmesh.dht.internal.DhtMessage.FindValue;
import org.sovereignmesh.dht.internal.DhtMessage.Nodes;
import org.sovereignmesh.dht.internal.DhtMessage.Ping;
import org.sovereignmesh.dht.internal.DhtMessage.Pong;
import org.sovereignmesh.dht.internal.DhtMessage.Sender;
import org.sovereignmesh.dht.internal.DhtMessage.Store;
import org.sovereignmesh.dht.internal.DhtMessage.Value;

/** Every message survives a round trip byte for byte; malformed input gets a reason, never another exception. */
class DhtCodecTest {
    private static final LocalNodeKeys KEYS = LocalNodeKeys.fromSeed(new byte[32]);
    private static final Sender SENDER = new Sender(true, List.of(MeshAddress.parse("/ip4/10.0.0.1/tcp/4001"),
            MeshAddress.parse("/loopback/a")));

    static List<DhtMessage> samples() {
        Contact c = Contact.of(KEYS.peerId(), List.of(MeshAddress.parse("/ip6/::1/udp/9/quic-v1")));
        SignedRecord r = SignedRecord.sign(Dht.key("k"), new byte[] {1, 2, 3}, 7, 1_800_000_000_000L, KEYS.peerId(),
                TestNetwork.signatures(KEYS));
        return List.of(new Ping(1, SENDER), new Pong(-1), new FindNode(2, SENDER, c.id()), new Nodes(3, List.of(c, c)),
                new FindValue(4, Sender.CLIENT, c.id()), new Value(5, List.of(r), List.of()), new Value(6, List.of(), List.of(c)),
                new Store(7, SENDER, r), new DhtMessage.Stored(8, DhtCodec.STORED_QUOTA));
    }

    @Test
    void everyMessageRoundTrips() throws Exception {
        for (DhtMessage m : samples()) {
            byte[] bytes = DhtCodec.encode(m);
            assertEquals(DhtCodec.size(m), bytes.length, m.toString());
            DhtMessage back = DhtCodec.decode(bytes, DhtCodec.ContactFactory.DEFAULT);
            assertEquals(m, back, "round trip of " + m.getClass().getSimpleName());
        }
    }

    @Test
    void aFindNodeIsSmall() {
        assertEquals(44, DhtCodec.encode(new FindNode(1, Sender.CLIENT, NodeId.random(new java.util.Random(1)))).length,
                "version, type, rpc id, flags, no addresses, target");
    }

    @Test
    void malformedInputIsRefusedWithAReason() {
        byte[] ping = DhtCodec.encode(new Ping(1, SENDER));
        assertMalformed(new byte[3], "at least 10 bytes");
        byte[] version = ping.clone();
        version[0] = 9;
        assertMalformed(version, "version 9");
        byte[] type = ping.clone();
        type[1] = 99;
        assertMalformed(type, "unknown DHT message type 99");
        assertMalformed(java.util.Arrays.copyOf(ping, ping.length - 3), "truncated");
        assertMalformed(java.util.Arrays.copyOf(ping, ping.length + 1), "unexpected bytes");
        byte[] many = DhtCodec.encode(new Nodes(1, List.of()));
        many[10] = (byte) 200;
        assertMalformed(many, "200 contacts, at most 32");
        assertMalformed(new byte[DhtCodec.MAX_MESSAGE_SIZE + 1], "exceeds");
    }

    private static void assertMalformed(byte[] bytes, String reason) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> DhtCodec.decode(bytes, DhtCodec.ContactFactory.DEFAULT));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
