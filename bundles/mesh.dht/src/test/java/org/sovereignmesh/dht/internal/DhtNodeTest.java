package org.sovereignmesh.dht.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.crypto.internal.LocalNodeKeys;
import org.sovereignmesh.dht.Dht;

/** Kademlia behaviour of the real DhtNode on virtual time, over an in-memory network, with real Ed25519 records. */
class DhtNodeTest {

    @Test
    void everyNodeFindsEveryOtherByIdInFewHops() {
        TestNetwork net = new TestNetwork();
        List<DhtNode> nodes = net.build(150, TestNetwork.settings());
        int found = 0;
        int maxHops = 0;
        for (int i = 0; i < 300; i++) {
            DhtNode from = nodes.get(net.random.nextInt(nodes.size()));
            DhtNode target = nodes.get(net.random.nextInt(nodes.size()));
            if (from == target) {
                continue;
            }
            LookupResult r = net.await(done -> from.findPeer(target.localPeer(), done));
            assertNotNull(r.target(), "found " + target.localPeer().shortName() + " from " + from.localPeer().shortName());
            found++;
            maxHops = Math.max(maxHops, r.hops());
        }
        assertTrue(found > 250);
        assertTrue(maxHops <= 5, "hops " + maxHops);
    }

    @Test
    void theRoutingTableHoldsTheTrulyClosestNodes() {
        TestNetwork net = new TestNetwork();
        List<DhtNode> nodes = net.build(100, TestNetwork.settings());
        DhtNode probe = nodes.get(7);
        NodeId target = NodeId.random(net.random);
        LookupResult r = net.await(done -> probe.lookup(target, DhtNode.LookupKind.NODES, null, done));
        List<NodeId> truth = new ArrayList<>(nodes.stream().map(DhtNode::id).filter(id -> !id.equals(probe.id())).toList());
        truth.sort((a, b) -> target.compareDistance(a, b));
        assertEquals(truth.subList(0, 20), r.closest().stream().map(Contact::id).toList(),
                "an iterative lookup ends at exactly the k closest nodes");
        assertTrue(r.rpcs() >= 20 && r.bytesSent() > 0 && r.bytesReceived() > 0);
    }

    @Test
    void recordsAreSignedStoredOnTheClosestAndFoundByOthers() {
        TestNetwork net = new TestNetwork();
        List<DhtNode> nodes = net.build(60, TestNetwork.settings());
        byte[] key = Dht.key("greeting");
        int stored = net.<Integer>await(done -> nodes.get(0).put(key, bytes("hello"), Duration.ofHours(1), done));
        assertEquals(21, stored, "k remote nodes and the publisher");
        LookupResult got = net.await(done -> nodes.get(33).get(key, false, done));
        assertEquals(1, got.records().size());
        assertArrayEquals(bytes("hello"), got.records().get(0).value());
        assertEquals(nodes.get(0).localPeer(), got.records().get(0).publisher());

        // a newer version replaces the old one everywhere it lands
        net.<Integer>await(done -> nodes.get(0).put(key, bytes("hello again"), Duration.ofHours(1), done));
        LookupResult again = net.await(done -> nodes.get(45).get(key, false, done));
        assertArrayEquals(bytes("hello again"), again.records().get(0).value());
    }

    @Test
    void forgedStaleExpiredAndOverQuotaRecordsAreRefused() {
        TestNetwork net = new TestNetwork();
        DhtSettings settings = TestNetwork.settings();
        settings.maxRecordsPerPublisher = 3;
        DhtNode storer = net.add(settings);
        LocalNodeKeys alice = LocalNodeKeys.generate();
        Signatures aliceSigns = TestNetwork.signatures(alice);
        long now = net.clock.currentTimeMillis();
        byte[] key = Dht.key("k");
        SignedRecord good = SignedRecord.sign(key, bytes("v"), 5, now + 60_000, alice.peerId(), aliceSigns);
        assertEquals(DhtCodec.STORED_OK, storer.accept(good));

        byte[] tampered = good.encode();
        tampered[tampered.length - 70] ^= 1; // inside the value/expiry area, before the signature
        assertEquals(DhtCodec.STORED_INVALID, storer.accept(decode(tampered)));
        SignedRecord signedByMallory = SignedRecord.sign(key, bytes("v"), 9, now + 60_000, alice.peerId(),
                TestNetwork.signatures(LocalNodeKeys.generate()));
        assertEquals(DhtCodec.STORED_INVALID, storer.accept(signedByMallory), "signature by someone else");
        assertEquals(DhtCodec.STORED_STALE,
                storer.accept(SignedRecord.sign(key, bytes("old"), 4, now + 60_000, alice.peerId(), aliceSigns)));
        assertEquals(DhtCodec.STORED_INVALID,
                storer.accept(SignedRecord.sign(key, bytes("x"), 6, now - 1, alice.peerId(), aliceSigns)), "expired");
        assertEquals(DhtCodec.STORED_INVALID, storer.accept(SignedRecord.sign(key, bytes("x"), 6,
                now + Duration.ofDays(30).toMillis(), alice.peerId(), aliceSigns)), "lives too long");
        for (int i = 0; i < 2; i++) {
            assertEquals(DhtCodec.STORED_OK, storer.accept(SignedRecord.sign(Dht.key("other" + i), bytes("x"), 1,
                    now + 60_000, alice.peerId(), aliceSigns)));
        }
        assertEquals(DhtCodec.STORED_QUOTA, storer.accept(SignedRecord.sign(Dht.key("one too many"), bytes("x"), 1,
                now + 60_000, alice.peerId(), aliceSigns)), "4th record of one publisher");
        assertEquals(DhtCodec.STORED_OK, storer.accept(SignedRecord.sign(key, bytes("newer"), 6, now + 60_000,
                alice.peerId(), aliceSigns)), "replacing a record stays within the quota");
        assertEquals(3, storer.storedRecords());
    }

    @Test
    void recordsExpireAndOriginalsAreRepublishedToNewClosestNodes() {
        TestNetwork net = new TestNetwork();
        DhtSettings settings = TestNetwork.settings();
        settings.republishInterval = Duration.ofMinutes(10);
        settings.replicateInterval = Duration.ofMinutes(10);
        List<DhtNode> nodes = net.build(60, settings);
        DhtNode publisher = nodes.get(0);
        byte[] key = Dht.key("long-lived");
        net.<Integer>await(done -> publisher.put(key, bytes("v"), Duration.ofHours(2), done));
        byte[] shortKey = Dht.key("short-lived");
        net.<Integer>await(done -> publisher.put(shortKey, bytes("v"), Duration.ofMinutes(5), done));

        // every node that stored the long-lived record leaves; republishing puts it on the next closest ones
        NodeId keyId = NodeId.of(key);
        List<DhtNode> holders = nodes.stream().filter(n -> n != publisher && !n.localRecords(key).isEmpty()).toList();
        assertEquals(20, holders.size());
        holders.forEach(n -> net.offline.add(n.localPeer()));
        net.clock.runFor(Duration.ofMinutes(25));
        DhtNode reader = nodes.stream().filter(n -> n != publisher && !net.offline.contains(n.localPeer())).findFirst()
                .orElseThrow();
        LookupResult r = net.await(done -> reader.get(key, false, done));
        assertEquals(1, r.records().size(), "found after its first holders left");
        long holdersNow = nodes.stream().filter(n -> !net.offline.contains(n.localPeer()) && n != publisher
                && !n.localRecords(key).isEmpty()).count();
        assertTrue(holdersNow >= 15, holdersNow + " live holders after republishing");

        assertTrue(net.await((java.util.function.Consumer<java.util.function.Consumer<LookupResult>>) done ->
                reader.get(shortKey, false, done)).records().isEmpty(), "expired records are gone");
        assertTrue(nodes.stream().allMatch(n -> n.localRecords(shortKey).isEmpty()));
        assertFalse(keyId.equals(NodeId.of(shortKey)));
    }

    @Test
    void lookupsSucceedWhenAFifthOfTheNodesLeaveAtOnce() {
        TestNetwork net = new TestNetwork();
        List<DhtNode> nodes = net.build(150, TestNetwork.settings());
        List<DhtNode> shuffled = new ArrayList<>(nodes);
        java.util.Collections.shuffle(shuffled, net.random);
        List<DhtNode> gone = shuffled.subList(0, 30);
        gone.forEach(n -> net.offline.add(n.localPeer()));
        List<DhtNode> alive = shuffled.subList(30, 150);
        int ok = 0;
        for (int i = 0; i < 100; i++) {
            DhtNode from = alive.get(net.random.nextInt(alive.size()));
            DhtNode target = alive.get(net.random.nextInt(alive.size()));
            if (from == target) {
                ok++;
                continue;
            }
            LookupResult r = net.await(done -> from.findPeer(target.localPeer(), done));
            if (r.target() != null) {
                ok++;
            }
        }
        assertEquals(100, ok, "every live node is still found");
        // failed contacts were dropped from the tables that met them
        DhtNode busy = alive.stream().max(Comparator.comparingLong(DhtNode::messagesIn)).orElseThrow();
        long stale = busy.contacts().stream().filter(c -> net.offline.contains(c.peer())).count();
        assertTrue(stale < gone.size(), stale + " departed nodes still listed");
    }

    private static SignedRecord decode(byte[] bytes) {
        try {
            return SignedRecord.decode(bytes);
        } catch (MalformedMessageException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

}
