package org.sovereignmesh.dht.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.PeerId;

/** The k-buckets against brute force: closest-contact queries, capacity, replacement on failure. */
class RoutingTableTest {
    private final Random random = new Random(5);

    private Contact contact() {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return Contact.of(PeerId.fromPublicKey(key), List.of());
    }

    @Test
    void closestMatchesBruteForceForAnyTarget() {
        Contact self = contact();
        RoutingTable table = new RoutingTable(self.id(), 20, 20, 2);
        for (int i = 0; i < 3000; i++) {
            table.seen(contact(), i);
        }
        List<Contact> all = table.all();
        assertTrue(all.size() > 100 && all.size() < 3000, "full buckets keep only k: " + all.size());
        List<NodeId> targets = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            targets.add(NodeId.random(random));
        }
        targets.add(self.id());
        targets.add(all.get(17).id());
        for (NodeId target : targets) {
            List<Contact> expected = new ArrayList<>(all);
            expected.sort((a, b) -> target.compareDistance(a.id(), b.id()));
            for (int count : new int[] {1, 20, 21, 60}) {
                assertEquals(expected.subList(0, Math.min(count, expected.size())), table.closest(target, count),
                        "closest " + count + " to " + target);
            }
        }
    }

    @Test
    void aContactThatFailsTwiceIsReplacedByTheFreshestReplacement() {
        Contact self = contact();
        RoutingTable table = new RoutingTable(self.id(), 2, 3, 2);
        List<Contact> farHalf = new ArrayList<>();
        while (farHalf.size() < 5) {
            Contact c = contact();
            if (self.id().sharedPrefixBits(c.id()) == 0) {
                farHalf.add(c);
            }
        }
        assertEquals(RoutingTable.Outcome.ADDED, table.seen(farHalf.get(0), 1));
        assertEquals(RoutingTable.Outcome.ADDED, table.seen(farHalf.get(1), 2));
        assertEquals(RoutingTable.Outcome.CACHED, table.seen(farHalf.get(2), 3));
        assertEquals(RoutingTable.Outcome.CACHED, table.seen(farHalf.get(3), 4));
        assertEquals(farHalf.get(0), table.headOfFullBucket(farHalf.get(4).id(), 10));
        assertTrue(!table.failed(farHalf.get(0)), "one failure is forgiven");
        assertTrue(table.failed(farHalf.get(0)));
        assertNull(table.find(farHalf.get(0).id()));
        assertEquals(farHalf.get(3), table.find(farHalf.get(3).id()), "the most recently seen replacement moved in");
        assertEquals(RoutingTable.Outcome.SELF, table.seen(self, 5));
    }
}
