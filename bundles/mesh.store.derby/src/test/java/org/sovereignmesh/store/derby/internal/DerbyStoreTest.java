package org.sovereignmesh.store.derby.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.store.KeyValueStore;
import org.sovereignmesh.store.PeerCacheEntry;
import org.sovereignmesh.store.QueueEntry;
import org.sovereignmesh.store.RecordQueue;
import org.sovereignmesh.store.StoreException;
import org.sovereignmesh.store.StoredRecord;

/** The store API on Derby: what goes in comes out, in order, after a reopen too. */
class DerbyStoreTest {
    @TempDir
    static Path temp;
    static DerbyStore store;

    @BeforeAll
    static void open() {
        store = StoreFixture.open(temp.resolve("store"));
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Test
    void keyValueMapsAreSeparateAndListByPrefix() {
        KeyValueStore a = store.keyValue("test.a");
        KeyValueStore b = store.keyValue("test.b");
        a.put("x/1", bytes("one"));
        a.put("x/2", bytes("two"));
        a.put("y/1", bytes("other"));
        b.put("x/1", bytes("b's"));
        a.put("x/1", bytes("uno"));
        assertArrayEquals(bytes("uno"), a.get("x/1").orElseThrow());
        assertArrayEquals(bytes("b's"), b.get("x/1").orElseThrow());
        assertEquals(List.of("x/1", "x/2"), a.keys("x/", 10));
        assertEquals(List.of("x/1"), a.keys("x/", 1));
        assertEquals(3, a.size());
        assertTrue(a.delete("x/2"));
        assertFalse(a.delete("x/2"));
        assertTrue(a.get("x/2").isEmpty());
    }

    @Test
    void badArgumentsAreRefusedWithTheReason() {
        StoreException name = assertThrows(StoreException.class, () -> store.keyValue("bad name"));
        assertEquals(StoreException.Reason.INVALID_ARGUMENT, name.reason());
        StoreException big = assertThrows(StoreException.class,
                () -> store.keyValue("test.big").put("k", new byte[(1 << 20) + 1]));
        assertTrue(big.getMessage().contains("exceeds the maximum"), big.getMessage());
        assertThrows(StoreException.class, () -> store.keyValue("test.big").put("", new byte[1]));
    }

    @Test
    void queuesKeepOrderAndNeverReuseSequenceNumbers() {
        RecordQueue q = store.queue("test.queue");
        long first = q.append(bytes("1"));
        long second = q.append(bytes("2"));
        long third = q.append(bytes("3"));
        assertTrue(first < second && second < third);
        List<QueueEntry> head = q.peek(2);
        assertEquals(2, head.size());
        assertArrayEquals(bytes("1"), head.get(0).item());
        assertTrue(q.remove(first));
        assertFalse(q.remove(first));
        assertTrue(q.remove(third));
        long fourth = q.append(bytes("4"));
        assertTrue(fourth > third, "a removed tail does not give its number back");
        assertEquals(List.of("2", "4"), q.peek(10).stream().map(e -> new String(e.item(), StandardCharsets.UTF_8)).toList());
        assertEquals(2, q.size());
    }

    @Test
    void dhtRecordsKeepTheHighestSequencePerPublisherAndExpire() {
        byte[] key = new byte[32];
        key[0] = 7;
        PeerId alice = PeerId.fromPublicKey(filled(1));
        PeerId bob = PeerId.fromPublicKey(filled(2));
        assertTrue(store.dhtRecords().put(new StoredRecord(key, alice, 5, 1_000, true, bytes("a5"))));
        assertFalse(store.dhtRecords().put(new StoredRecord(key, alice, 4, 2_000, true, bytes("a4"))));
        assertTrue(store.dhtRecords().put(new StoredRecord(key, alice, 6, 3_000, true, bytes("a6"))));
        assertTrue(store.dhtRecords().put(new StoredRecord(key, bob, 1, 500, false, bytes("b1"))));
        List<StoredRecord> found = store.dhtRecords().get(key);
        assertEquals(2, found.size());
        assertArrayEquals(bytes("a6"), found.get(0).content());
        assertEquals(6, found.get(0).sequence());
        assertTrue(found.get(0).original());
        assertFalse(found.get(1).original());

        List<StoredRecord> page = store.dhtRecords().list(null, null, 1);
        assertEquals(1, page.size());
        List<StoredRecord> rest = store.dhtRecords().list(page.get(0).key(), page.get(0).publisher(), 10);
        assertFalse(rest.stream().anyMatch(r -> r.equals(page.get(0))), "paging moves on");

        assertEquals(1, store.dhtRecords().deleteExpired(1_000));
        assertEquals(1, store.dhtRecords().get(key).size());
        assertTrue(store.dhtRecords().delete(key, alice));
        assertTrue(store.dhtRecords().get(key).isEmpty());
    }

    @Test
    void thePeerCacheKeepsOneEntryPerPeerAndSourceMostRecentFirst() {
        PeerId p1 = PeerId.fromPublicKey(filled(11));
        PeerId p2 = PeerId.fromPublicKey(filled(12));
        MeshAddress address = MeshAddress.parse("/ip4/10.1.2.3/tcp/4001");
        store.peerCache().putAll(List.of(
                new PeerCacheEntry(p1, List.of(address), "dht", 100, 0, bytes("record")),
                new PeerCacheEntry(p2, List.of(), "dht", 200, 1, null),
                new PeerCacheEntry(p1, List.of(), "lan", 50, 0, null)));
        store.peerCache().put(new PeerCacheEntry(p1, List.of(address), "dht", 300, 0, bytes("record2")));
        List<PeerCacheEntry> recent = store.peerCache().recent("dht", 10);
        assertEquals(List.of(p1, p2), recent.stream().map(PeerCacheEntry::peer).toList());
        assertEquals(List.of(address), recent.get(0).addresses());
        assertArrayEquals(bytes("record2"), recent.get(0).signedRecord());
        assertEquals(2, store.peerCache().get(p1).size());
        assertEquals(3, store.peerCache().recent(null, 10).size());
        assertTrue(store.peerCache().remove(p1, "lan"));
        assertTrue(store.peerCache().get(p1, "lan").isEmpty());
    }

    @Test
    void everythingSurvivesAReopen(@TempDir Path dir) {
        Path location = dir.resolve("reopen");
        try (DerbyStore first = StoreFixture.open(location)) {
            first.keyValue("persist").put("k", bytes("v"));
            first.queue("persist").append(bytes("q"));
        }
        try (DerbyStore again = StoreFixture.open(location)) {
            assertArrayEquals(bytes("v"), again.keyValue("persist").get("k").orElseThrow());
            assertEquals(1, again.queue("persist").size());
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] filled(int value) {
        byte[] b = new byte[32];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }
}
