package org.sovereignmesh.itests;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.Test;

/**
 * A real node process ({@code java -jar node.jar}) killed with SIGKILL right after acknowledging a DHT write still
 * has it after a restart, read back from its encrypted store, where the plaintext is nowhere on disk.
 */
public class StoreProcessIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String CANARY = "kill9-canary-9c41e7";

    @Test
    public void anAcknowledgedDhtWriteSurvivesKillMinus9() throws Exception {
        try (NodeProcess node = NodeProcess.start("store-kill9")) {
            ready(node);
            String put = node.shell.run("dht:put durable " + CANARY);
            assertTrue(put, put.startsWith("stored 'durable'"));
            node.kill();
        }
        Path data = Path.of(MeshOptions.required("mesh.itest.work"), "store-kill9", "data");
        assertTrue("no plaintext on disk", StoreAndDhtIT.filesContaining(data.resolve("store"), CANARY).isEmpty());
        try (NodeProcess again = NodeProcess.restart("store-kill9", Map.of())) {
            ready(again);
            String got = again.shell.run("dht:get durable");
            assertTrue(got, got.contains(CANARY));
            String table = again.shell.run("dht:table");
            assertTrue(table, table.contains("published by this node"));
            assertFalse(again.outputText(), again.printed("the store cannot start"));
            again.terminate(WAIT);
        }
    }

    private static void ready(NodeProcess node) throws InterruptedException {
        Await.until("identity banner; output so far:\n" + node.outputText(), WAIT,
                () -> node.printed("Sovereign Mesh node did:key:z6Mk"));
        Await.until("command port", WAIT, node.shell::ready);
        Await.until("dht commands registered", WAIT, () -> {
            try {
                return !node.shell.run("dht:table").contains("Command not found");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
