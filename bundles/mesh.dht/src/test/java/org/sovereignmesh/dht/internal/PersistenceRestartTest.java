package org.sovereignmesh.dht.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.crypto.internal.LocalNodeKeys;
import org.sovereignmesh.dht.Dht;
import org.sovereignmesh.store.derby.internal.DerbyStore;

/**
 * A DHT node keeps its routing table and records in the encrypted Derby store: after a restart (a new DhtNode on
 * the reopened store) it knows the same contacts, still serves the records it stored for others, and republishes
 * its own.
 */
class PersistenceRestartTest {

    @Test
    void routingTableAndRecordsComeBackAfterARestart(@TempDir Path dir) {
        TestNetwork net = new TestNetwork();
        List<DhtNode> others = net.build(40, TestNetwork.settings());
        LocalNodeKeys keys = LocalNodeKeys.generate();
        byte[] secret = new byte[32];
        Set<PeerId> contactsBefore;
        byte[] ownKey = Dht.key("mine");
        byte[] foreignKey = Dht.key("theirs");
        try (DerbyStore store = DerbyStore.open(dir.resolve("store"), secret, secret, new DerbyStore.Settings());
                StorePersistence persistence = new StorePersistence(store)) {
            DhtNode node = net.add(keys, TestNetwork.settings(), persistence);
            net.<Integer>await(done -> node.bootstrap(List.of(Contact.of(others.get(0).localPeer(), List.of())), done));
            net.<Integer>await(done -> node.put(ownKey, bytes("own"), Duration.ofHours(3), done));
            // another node's record, stored here as one of the k closest
            SignedRecord foreign = SignedRecord.sign(foreignKey, bytes("foreign"), 1,
                    net.clock.currentTimeMillis() + 3_600_000, others.get(1).localPeer(),
                    TestNetwork.signatures(net.keys.get(others.get(1).localPeer())));
            assertEquals(DhtCodec.STORED_OK, node.accept(foreign));
            contactsBefore = peers(node.contacts());
            assertTrue(contactsBefore.size() >= 20);
            node.close();
            net.nodes.remove(keys.peerId());
        }
        try (DerbyStore store = DerbyStore.open(dir.resolve("store"), secret, secret, new DerbyStore.Settings());
                StorePersistence persistence = new StorePersistence(store)) {
            DhtNode again = net.add(keys, TestNetwork.settings(), persistence);
            again.restoreContacts(persistence.loadContacts(500));
            persistence.loadRecords().forEach(r -> again.restoreRecord(r.record(), r.original()));
            assertEquals(contactsBefore, peers(again.contacts()), "the same routing table");
            assertArrayEquals(bytes("foreign"), again.localRecords(foreignKey).get(0).value());
            assertEquals(1, again.originals().size(), "its own record, to republish");
            assertArrayEquals(bytes("own"), again.originals().get(0).value());
            // and it is usable at once: a lookup through the restored table works without a bootstrap
            LookupResult r = net.await(done -> again.findPeer(others.get(5).localPeer(), done));
            assertEquals(others.get(5).localPeer(), r.target().peer());
        }
    }

    private static Set<PeerId> peers(List<Contact> contacts) {
        Set<PeerId> set = new HashSet<>();
        contacts.forEach(c -> set.add(c.peer()));
        return set;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
