package org.sovereignmesh.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.sovereignmesh.api.MeshNetwork;
import org.sovereignmesh.dht.Dht;
import org.sovereignmesh.dht.DhtRecord;
import org.sovereignmesh.dht.PeerRecord;
import org.sovereignmesh.dht.RoutingTableSummary;
import org.sovereignmesh.store.MeshStore;

/**
 * The store and the DHT in a running node (Felix, the core feature): Derby, re-bundled, boots inside OSGi with its
 * encryption; the DHT service, its commands and its persistence work with no other node around.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StoreAndDhtIT {
    private static final String CANARY = "itest-plaintext-canary-5d1e";

    @Inject
    BundleContext context;
    @Inject
    MeshStore store;
    @Inject
    Dht dht;
    @Inject
    MeshNetwork network;

    @Configuration
    public Option[] config() {
        return new Option[] {MeshOptions.coreNode("store-and-dht")};
    }

    @Test
    public void theEncryptedStoreRunsInsideTheFramework() throws IOException {
        Path home = Path.of(context.getProperty("mesh.home"));
        assertEquals(home.resolve("store").toAbsolutePath().normalize().toString(), store.location());
        store.keyValue("itest").put(CANARY + "-key", (CANARY + " value").getBytes(StandardCharsets.UTF_8));
        assertArrayEquals((CANARY + " value").getBytes(StandardCharsets.UTF_8),
                store.keyValue("itest").get(CANARY + "-key").orElseThrow());
        assertTrue(Files.exists(home.resolve("store/service.properties")));
        assertTrue("no known plaintext in " + home, filesContaining(home, CANARY).isEmpty());
    }

    @Test
    public void theDhtStoresFindsAndDescribesItselfAlone() throws Exception {
        assertEquals(network.localPeer(), dht.localPeer());
        int stored = dht.put(Dht.key("itest"), "value".getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(10))
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals("alone, only this node holds it", 1, stored);
        List<DhtRecord> records = dht.get(Dht.key("itest")).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(1, records.size());
        assertEquals(network.localPeer(), records.get(0).publisher());
        assertEquals(1, store.dhtRecords().get(Dht.key("itest")).size());

        // the node published its own signed peer record when it joined (alone)
        Await.until("own peer record", Duration.ofSeconds(30), () -> {
            try {
                PeerRecord self = dht.findPeer(network.localPeer()).toCompletableFuture().get(10, TimeUnit.SECONDS);
                return self.peer().equals(network.localPeer()) && self.sequence() > 0;
            } catch (Exception e) {
                return false;
            }
        });
        RoutingTableSummary table = dht.routingTable().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(0, table.contacts());
        assertEquals(20, table.k());
        assertTrue(table.publishedRecords() >= 2);
    }

    @Test
    public void theDhtCommandsAreRegistered() throws Exception {
        ServiceReference<?>[] refs = context.getServiceReferences((String) null, "(osgi.command.scope=dht)");
        assertTrue(refs != null && refs.length == 1);
        List<String> functions = List.of((String[]) refs[0].getProperty("osgi.command.function"));
        assertTrue(functions.containsAll(List.of("put", "get", "findpeer", "table")));
        assertFalse(functions.isEmpty());
    }

    static List<Path> filesContaining(Path dir, String text) throws IOException {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).filter(f -> {
                try {
                    byte[] content = Files.readAllBytes(f);
                    outer:
                    for (int i = 0; i + needle.length <= content.length; i++) {
                        for (int j = 0; j < needle.length; j++) {
                            if (content[i + j] != needle[j]) {
                                continue outer;
                            }
                        }
                        return true;
                    }
                    return false;
                } catch (IOException e) {
                    return false;
                }
            }).toList();
        }
    }
}
