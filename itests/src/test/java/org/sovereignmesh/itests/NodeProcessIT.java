package org.sovereignmesh.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.time.Duration;

import org.junit.Test;

/**
 * The runtime jar as an operator uses it: {@code java -jar node.jar} starts a node, prints its identity, picks up a
 * transport jar dropped into {@code deploy/}, forgets it when removed, and stops in order on SIGTERM.
 */
public class NodeProcessIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    public void deployFolderHotSwapsTransportsAndSigtermStopsCleanly() throws Exception {
        try (NodeProcess node = NodeProcess.start("node-process")) {
            Await.until("identity banner; output so far:\n" + node.outputText(), WAIT,
                    () -> node.printed("Sovereign Mesh node did:key:z6Mk"));
            double startupSeconds = (System.nanoTime() - node.startedNanos) / 1e9;
            System.out.printf("node printed its identity %.2f s after java -jar%n", startupSeconds);
            node.awaitReady(WAIT);

            // the internet feature's transports run from the start; no loopback transport yet
            Await.until("internet transports active", WAIT, () -> commandOutput(node, "mesh:transports")
                    .matches("(?s).*\\ntcp +ACTIVE .*"));
            assertFalse(node.shell.run("mesh:transports").contains("loopback"));
            String info = node.shell.run("mesh:info");
            String did = node.output().stream().filter(l -> l.startsWith("Sovereign Mesh node ")).findFirst()
                    .orElseThrow().substring("Sovereign Mesh node ".length());
            assertTrue(info, info.contains(did));

            Path deploy = node.directory.resolve("deploy");
            Files.createDirectories(deploy);
            Path dropped = deploy.resolve("mesh.transport.loopback.jar");
            Files.copy(MeshOptions.testArtifact("mesh.transport.loopback.jar").toPath(), dropped,
                    StandardCopyOption.REPLACE_EXISTING);
            Await.until("loopback listed by mesh:transports", WAIT, () -> commandOutput(node, "mesh:transports")
                    .matches("(?s).*\\nloopback +ACTIVE +0 +/loopback/lb-\\S+ .*mesh\\.transport\\.loopback .*"));
            Await.until("console line for the listening transport", WAIT,
                    () -> node.printed("transport loopback ACTIVE, listening on /loopback/"));

            // settings dropped beside it reach ConfigAdmin: a factory configuration adds a second instance
            Path settings = deploy.resolve("org.sovereignmesh.transport.loopback-second.cfg");
            Files.writeString(settings, "id=loopback-2\nname=from-cfg\nmtu=2048\n");
            Await.until("configured instance listed", WAIT, () -> commandOutput(node, "mesh:transports")
                    .matches("(?s).*\\nloopback-2 +ACTIVE +0 +/loopback/from-cfg +duplex mtu=2048 .*"));
            Files.delete(settings);
            Await.until("configured instance gone", WAIT,
                    () -> !commandOutput(node, "mesh:transports").contains("loopback-2"));

            // an internet transport is configured the same way: ConfigAdmin turns TCP off, and on again
            Path tcpSettings = deploy.resolve("org.sovereignmesh.transport.tcp.cfg");
            Files.writeString(tcpSettings, "enabled=false\n");
            Await.until("tcp disabled by configuration", WAIT, () -> commandOutput(node, "mesh:transports")
                    .matches("(?s).*\\ntcp +UNAVAILABLE \\(disabled by configuration.*"));
            Files.delete(tcpSettings);
            Await.until("tcp listening again", WAIT, () -> commandOutput(node, "mesh:transports")
                    .matches("(?s).*\\ntcp +ACTIVE +0 +/ip4/127\\.0\\.0\\.1/tcp/\\d+ .*"));

            Files.delete(dropped);
            Await.until("loopback gone from mesh:transports", WAIT,
                    () -> !commandOutput(node, "mesh:transports").contains("loopback"));
            assertTrue(node.printed("transport loopback removed"));

            Path token = node.directory.resolve("data/shell.token");
            assertTrue(Files.exists(token));
            int exit = node.terminate(WAIT);
            assertFalse("components were deactivated in order (the command port removed its token)",
                    Files.exists(token));
            assertTrue("exit status " + exit + " is the JVM's answer to SIGTERM", exit == 143 || exit == 0);
        }
    }

    @Test
    public void theIdentitySurvivesARestartInsideAnOwnerOnlyEncryptedKeyStore() throws Exception {
        String first;
        try (NodeProcess node = NodeProcess.start("node-restart")) {
            Await.until("identity banner", WAIT, () -> node.printed("Sovereign Mesh node did:key:"));
            first = banner(node);
            node.terminate(WAIT);
        }
        Path data = Path.of(MeshOptions.required("mesh.itest.work"), "node-restart", "data");
        for (String file : new String[] {"keystore", "keystore.secret"}) {
            assertEquals(file + " is private to its owner", "rw-------",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(file))));
        }
        String did = first.substring("Sovereign Mesh node did:key:".length());
        assertFalse("the key store holds no readable identity material",
                new String(Files.readAllBytes(data.resolve("keystore")), StandardCharsets.ISO_8859_1).contains(did));
        try (NodeProcess again = NodeProcess.restart("node-restart", Map.of())) {
            Await.until("identity banner after restart", WAIT, () -> again.printed("Sovereign Mesh node did:key:"));
            assertEquals(first, banner(again));
            again.terminate(WAIT);
        }
    }

    @Test
    public void aWrongPassphraseStopsTheNodeWithAClearMessage() throws Exception {
        NodeProcess.deleteTree(Path.of(MeshOptions.required("mesh.itest.work"), "node-passphrase"));
        try (NodeProcess node = NodeProcess.restart("node-passphrase", Map.of("MESH_PASSPHRASE", "correct horse"))) {
            Await.until("identity banner", WAIT, () -> node.printed("Sovereign Mesh node did:key:"));
            node.terminate(WAIT);
        }
        Path data = Path.of(MeshOptions.required("mesh.itest.work"), "node-passphrase", "data");
        assertFalse("a passphrase replaces the machine secret", Files.exists(data.resolve("keystore.secret")));
        try (NodeProcess wrong = NodeProcess.restart("node-passphrase", Map.of("MESH_PASSPHRASE", "battery staple"))) {
            Await.until("the reason, on the console", WAIT, () -> wrong.printed("wrong passphrase for key store"));
            Thread.sleep(500);
            assertFalse("no node started with someone else's identity", wrong.printed("Sovereign Mesh node did:key:"));
            wrong.terminate(WAIT);
        }
        try (NodeProcess none = NodeProcess.restart("node-passphrase", Map.of())) {
            Await.until("the reason, on the console", WAIT, () -> none.printed("is protected by a passphrase: set MESH_PASSPHRASE"));
            none.terminate(WAIT);
        }
    }

    private static String banner(NodeProcess node) {
        return node.output().stream().filter(l -> l.startsWith("Sovereign Mesh node ")).findFirst().orElseThrow();
    }

    private static String commandOutput(NodeProcess node, String command) {
        try {
            return node.shell.run(command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
