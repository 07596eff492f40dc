package org.sovereignmesh.dht.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.transport.TransportProfile;
import org.sovereignmesh.core.internal.MeshNode;
import org.sovereignmesh.core.internal.TestMeshNodes;
import org.sovereignmesh.crypto.internal.LocalNodeKeys;
import org.sovereignmesh.dht.Dht;
import org.sovereignmesh.dht.DhtRecord;
import org.sovereignmesh.dht.PeerRecord;
import org.sovereignmesh.time.VirtualScheduler;
import org.sovereignmesh.transport.loopback.internal.LoopbackTransport;

/**
 * The DHT over real mesh nodes (Noise links, end-to-end sealed messages on the {@code dht} channel) on a loopback
 * medium, on virtual time: a node finds another it has no link to, by id, through a third; the adapter opens the
 * link from the signed peer record's address; records put on one node are read on another.
 */
class DhtOverMeshTest {
    private final VirtualScheduler clock = new VirtualScheduler(System.currentTimeMillis());
    private final SecureRandom random = new SecureRandom();

    final class Node {
        final LocalNodeKeys keys = LocalNodeKeys.generate();
        final MeshNode mesh = TestMeshNodes.node(keys, TestNetwork.CRYPTO, clock);
        final LoopbackTransport transport;
        final DhtService dht;
        final MeshDhtNetwork network;

        Node(String name, String region) {
            transport = new LoopbackTransport("loopback", "loopback", name + "-" + random.nextInt(1 << 30),
                    TransportProfile.builder().latency(Duration.ofMillis(5)).build(), false);
            mesh.addTransport(transport, "test");
            DhtNode[] node = new DhtNode[1];
            network = new MeshDhtNetwork(mesh, mesh, peer -> clock.execute(() -> node[0].unreachable(peer)),
                    peer -> clock.execute(() -> node[0].ping(Contact.of(peer, List.of()), ok -> { })));
            DhtSettings settings = new DhtSettings();
            settings.rpcTimeout = Duration.ofSeconds(5);
            node[0] = new DhtNode(keys.peerId(), TestNetwork.signatures(keys), clock, network, DhtPersistence.NONE,
                    settings, DhtCodec.ContactFactory.DEFAULT, new java.util.Random(random.nextLong()));
            node[0].setSenderInfo(() -> new DhtMessage.Sender(true, List.of(transport.address())));
            dht = new DhtService(node[0], clock, () -> new DhtService.SelfDescription(List.of(transport.address()),
                    List.of("loopback"), region), Duration.ofHours(2));
            mesh.addMessageHandler(Set.of(MeshDhtNetwork.CHANNEL),
                    m -> clock.execute(() -> node[0].receive(m.source(), m.payload())));
            mesh.addEventListener(network::transportEvent);
            clock.execute(node[0]::start);
        }

        PeerId peer() {
            return keys.peerId();
        }
    }

    private <T> T await(CompletionStage<T> stage) throws Exception {
        var future = stage.toCompletableFuture();
        assertTrue(clock.runUntil(future::isDone, Duration.ofMinutes(5)), "completes within 5 virtual minutes");
        return future.get();
    }

    @Test
    void aNodeFindsAnUnlinkedPeerThroughAThirdAndReadsItsRecords() throws Exception {
        Node a = new Node("a", "eu-west");
        Node b = new Node("b", "eu-west");
        Node c = new Node("c", "us-east");
        clock.runFor(Duration.ofSeconds(1));
        await(a.mesh.connect(b.transport.address().withPeer(b.peer())));
        await(c.mesh.connect(b.transport.address().withPeer(b.peer())));
        clock.runFor(Duration.ofSeconds(1));
        assertFalse(c.mesh.neighbours().contains(a.peer()), "c has no link to a yet");

        // joins: a and c know b only as a linked neighbour (no address), as a node learns from MeshNetwork.neighbours()
        assertTrue(await(a.dht.bootstrap(List.of(Contact.of(b.peer(), List.of())))) >= 1);
        assertTrue(await(c.dht.bootstrap(List.of(Contact.of(b.peer(), List.of())))) >= 1);
        clock.execute(() -> a.dht.publishPeerRecord(true));
        clock.execute(() -> c.dht.publishPeerRecord(true));
        clock.runFor(Duration.ofSeconds(30));

        PeerRecord found = await(c.dht.findPeer(a.peer()));
        assertEquals(a.peer(), found.peer());
        assertEquals(List.of(a.transport.address()), found.addresses());
        assertEquals(List.of("loopback"), found.transports());
        assertEquals("eu-west", found.region());
        assertTrue(found.sequence() > 0, "a signed record, not just routing information");

        int stored = await(a.dht.put(Dht.key("shared"), "from a".getBytes(StandardCharsets.UTF_8), Duration.ofHours(1)));
        assertTrue(stored >= 2, "stored on " + stored + " nodes");
        List<DhtRecord> read = await(c.dht.get(Dht.key("shared")));
        assertEquals(1, read.size());
        assertArrayEquals("from a".getBytes(StandardCharsets.UTF_8), read.get(0).value());
        assertEquals(a.peer(), read.get(0).publisher());

        List<PeerRecord> region = await(c.dht.findRegion("eu-west"));
        List<PeerId> members = new ArrayList<>(region.stream().map(PeerRecord::peer).toList());
        assertEquals(List.of(a.peer()), members, "b did not publish, c is in another region");
        assertTrue(c.mesh.neighbours().contains(a.peer()), "c opened a link to a from a's signed address");
    }
}
