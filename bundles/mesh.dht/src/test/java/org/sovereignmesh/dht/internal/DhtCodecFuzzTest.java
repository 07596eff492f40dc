package org.sovereignmesh.dht.internal;

import org.sovereignmesh.crypto.internal.LocalNodeKeys;
import org.sovereignmesh.time.VirtualScheduler;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The DHT decoder and the node's whole receive path may only answer hostile bytes by dropping them: no exception,
 * no hang, no unbounded allocation. Under {@code mvn verify} these replay the stored inputs in src/test/resources;
 * {@code JAZZER_FUZZ=1 mvn -pl bundles/mesh.dht -am test -Dtest=DhtCodecFuzzTest#decoder
 * -Dsurefire.failIfNoSpecifiedTests=false} fuzzes for real.
 */
class DhtCodecFuzzTest {
    private static final LocalNodeKeys KEYS = LocalNodeKeys.fromSeed(new byte[32]);

    @FuzzTest(maxDuration = "60s")
    void decoder(byte[] input) {
        try {
            DhtMessage m = DhtCodec.decode(input, DhtCodec.ContactFactory.DEFAULT);
            // whatever decodes must encode back to the same bytes (no two readings of one message)
            byte[] again = DhtCodec.encode(m);
            if (!java.util.Arrays.equals(again, input)) {
                throw new AssertionError("decoded message re-encodes differently: " + m);
            }
        } catch (MalformedMessageException expected) {
            // the only acceptable failure
        }
    }

    @FuzzTest(maxDuration = "60s")
    void nodeReceivePath(byte[] input) {
        VirtualScheduler clock = new VirtualScheduler().propagateTaskFailures();
        DhtNode node = new DhtNode(KEYS.peerId(), TestNetwork.signatures(KEYS), clock, (to, bytes) -> { },
                DhtPersistence.NONE, new DhtSettings(), DhtCodec.ContactFactory.DEFAULT, new java.util.Random(1));
        node.receive(LocalNodeKeys.fromSeed(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
            19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}).peerId(), input);
        clock.runFor(java.time.Duration.ofSeconds(30));
        if (node.tableSize() > 1) {
            throw new AssertionError("one message added more than its sender to the routing table");
        }
    }
}
