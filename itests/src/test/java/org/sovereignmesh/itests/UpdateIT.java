package org.sovereignmesh.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;

/**
 * Signed updates over the mesh between real processes: an operator node (node.jar) updates the UDP transport bundle
 * on two gateways ({@code java -Xmx64m -jar gateway.jar}) that trust its key; a second, broken update (its bundle
 * cannot resolve) is rolled back on both, which report it to the operator, and so is a third that starts but fails
 * its health check (its DS component cannot be created); an update for another group is refused
 * with the reason; one gateway is restarted and comes back with the installed set; reliable messages from the
 * operator to both gateways keep flowing throughout and all arrive exactly once.
 */
public class UpdateIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Pattern PUBLISHED = Pattern.compile("^published \\S+ \\S+ for group \\S+ as ([0-9a-f]{64})",
            Pattern.MULTILINE);
    private static final Pattern ACCEPTED = Pattern.compile("^message ([0-9a-f]{1,16}) accepted$");
    private static final String UDP = "mesh.transport.udp";

    @Test
    public void anOperatorUpdatesTheUdpTransportOnTwoGatewaysAndABrokenUpdateIsRolledBack() throws Exception {
        List<NodeProcess> all = new ArrayList<>();
        AtomicBoolean streaming = new AtomicBoolean(true);
        try {
            // small chunks, so that the transfer is many verified chunks and not one
            NodeProcess operator = track(all, NodeProcess.start("update-op", "-Dmesh.update.chunkKiB=4").awaitReady(WAIT));
            String operatorId = operator.peerId();
            String[] gatewaySettings = {"-Dmesh.update.trusted=did:key:" + operatorId, "-Dmesh.update.groups=gateways",
                    "-Dmesh.update.healthTimeoutSeconds=15"};
            NodeProcess g1 = track(all, NodeProcess.startGateway("update-g1", gatewaySettings).awaitReady(WAIT));
            NodeProcess g2 = track(all, NodeProcess.startGateway("update-g2", gatewaySettings).awaitReady(WAIT));
            String g1Id = g1.peerId();
            String g2Id = g2.peerId();
            operator.awaitLink(g1Id, "tcp", WAIT);
            operator.awaitLink(g2Id, "tcp", WAIT);

            Path jars = Files.createDirectories(operator.directory.resolve("jars"));
            Path shipped = MeshOptions.testArtifact(UDP + ".jar").toPath();
            String shippedVersion = bundleVersion(shipped);
            String[] v = shippedVersion.split("\\.");
            String goodVersion = v[0] + "." + v[1] + "." + (Integer.parseInt(v[2]) + 1) + ".itest";
            String brokenVersion = v[0] + "." + v[1] + "." + (Integer.parseInt(v[2]) + 2) + ".broken";
            String otherVersion = v[0] + "." + v[1] + "." + (Integer.parseInt(v[2]) + 5) + ".sensors";
            Path good = rewrite(shipped, jars.resolve("udp-good.jar"), goodVersion, null);
            Path broken = rewrite(shipped, jars.resolve("udp-broken.jar"), brokenVersion,
                    "org.sovereignmesh.itest.absent;version=\"[1,2)\"");

            // traffic: reliable messages from the operator to both gateways all the time
            List<String> toG1 = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<String> toG2 = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread stream = new Thread(() -> {
                int i = 0;
                while (streaming.get()) {
                    try {
                        send(operator, g1Id, "tick " + i, toG1);
                        send(operator, g2Id, "tick " + i, toG2);
                        i++;
                        Thread.sleep(200);
                    } catch (Exception e) {
                        if (streaming.get()) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            }, "operator-stream");
            stream.start();

            // 1. the good update reaches both gateways and replaces their running UDP transport
            String goodId = publish(operator, "gateways", good);
            for (NodeProcess g : List.of(g1, g2)) {
                Await.until(g.directory.getFileName() + " installed the update; it says:\n" + g.shell.query("update:list"),
                        WAIT, () -> listed(g, goodId, "INSTALLED"));
                Await.until(g.directory.getFileName() + " runs the new UDP transport", WAIT,
                        () -> g.printed("transport udp added (" + UDP + " " + goodVersion + ")"));
                assertTrue(g.shell.run("update:list -i"), g.shell.run("update:list -i").contains(goodVersion));
                Await.until("udp ACTIVE again on " + g.directory.getFileName(), WAIT,
                        () -> g.shell.query("mesh:transports").matches("(?s).*\\budp +ACTIVE.*"));
            }
            Await.until("the operator heard from both gateways", WAIT,
                    () -> count(operator.shell.query("update:status " + goodId), " INSTALLED ") == 2);

            // 2. the broken update is installed, fails to resolve, is undone, and is reported
            String brokenId = publish(operator, "gateways", broken);
            for (NodeProcess g : List.of(g1, g2)) {
                Await.until(g.directory.getFileName() + " rolled the broken update back; it says:\n"
                        + g.shell.query("update:list"), WAIT, () -> listed(g, brokenId, "ROLLED_BACK"));
                String row = row(g.shell.run("update:list -a"), brokenId);
                assertTrue("the reason names the failure: " + row, row.contains("org.sovereignmesh.itest.absent"));
                String installed = g.shell.run("update:list -i");
                assertTrue("the good version is back:\n" + installed, installed.contains(goodVersion)
                        && !installed.contains(brokenVersion));
                Await.until("udp ACTIVE after the rollback on " + g.directory.getFileName(), WAIT,
                        () -> g.shell.query("mesh:transports").matches("(?s).*\\budp +ACTIVE.*"));
            }
            Await.until("the operator heard of both rollbacks", WAIT,
                    () -> count(operator.shell.query("update:status " + brokenId), " ROLLED_BACK ") == 2);

            // 3. an update that resolves and starts but whose transport component cannot be created fails the health
            // check (its DS component failed to activate) and is rolled back too
            String unhealthyVersion = v[0] + "." + v[1] + "." + (Integer.parseInt(v[2]) + 4) + ".unhealthy";
            Path unhealthy = rewrite(shipped, jars.resolve("udp-unhealthy.jar"), unhealthyVersion, null,
                    "class=\"org.sovereignmesh.transport.udp.internal.UdpTransportComponent\"",
                    "class=\"org.sovereignmesh.transport.udp.internal.NoSuchComponent\"");
            String unhealthyId = publish(operator, "gateways", unhealthy);
            for (NodeProcess g : List.of(g1, g2)) {
                try {
                    Await.until(g.directory.getFileName() + " rolled the unhealthy update back", WAIT,
                            () -> listed(g, unhealthyId, "ROLLED_BACK"));
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "; it says:\n" + g.shell.query("update:list") + "\n"
                            + g.shell.query("update:status " + unhealthyId) + "\n" + g.shell.query("scr:list") + "\n"
                            + g.shell.query("mesh:transports"), e);
                }
                String row = row(g.shell.run("update:list -a"), unhealthyId);
                assertTrue("the reason is the health check: " + row, row.contains("health check failed")
                        && row.contains("UdpTransportComponent"));
                assertTrue(g.shell.run("update:list -i").contains(goodVersion));
                Await.until("udp ACTIVE after the second rollback on " + g.directory.getFileName(), WAIT,
                        () -> g.shell.query("mesh:transports").matches("(?s).*\\budp +ACTIVE.*"));
            }

            // 4. an update for another group is refused by both, with the reason, and reported to the operator
            Path other = rewrite(shipped, jars.resolve("udp-other.jar"), otherVersion, null);
            String otherId = publish(operator, "sensors", other);
            for (NodeProcess g : List.of(g1, g2)) {
                Await.until(g.directory.getFileName() + " refused the update for sensors", WAIT,
                        () -> listed(g, otherId, "REFUSED"));
                String row = row(g.shell.run("update:list -a"), otherId);
                assertTrue(row, row.contains("wrong target") && row.contains("sensors"));
            }
            Await.until("the operator heard of both refusals", WAIT,
                    () -> count(operator.shell.query("update:status " + otherId), " REFUSED ") == 2);

            // 5. a gateway that restarts (its runtime brings the shipped UDP bundle) puts its installed set back
            g1.terminate(WAIT);
            g1 = track(all, NodeProcess.restartGateway("update-g1", gatewaySettings).awaitReady(WAIT));
            NodeProcess g1Again = g1;
            Await.until("the restarted gateway runs the updated UDP transport again", WAIT,
                    () -> g1Again.printed("transport udp added (" + UDP + " " + goodVersion + ")"));
            String afterRestart = g1.shell.run("update:list");
            assertTrue(afterRestart, row(afterRestart, goodId).contains("INSTALLED"));
            assertTrue(afterRestart, row(afterRestart, brokenId).contains("ROLLED_BACK"));
            assertFalse("the broken version was not taken again:\n" + g1.outputText(),
                    g1.printed("transport udp added (" + UDP + " " + brokenVersion + ")"));
            // the agent's records and offers are in the encrypted store: no file names the updates
            for (String id : List.of(goodId, brokenId)) {
                List<Path> naming = filesContaining(g1.directory.resolve("data"), id);
                assertTrue("plaintext update id " + id + " in " + naming, naming.isEmpty());
            }

            // traffic kept flowing: every accepted message arrived exactly once, on both gateways
            Thread.sleep(2000);
            streaming.set(false);
            stream.join(WAIT.toMillis());
            assertTrue("messages were sent during the updates", toG1.size() > 20 && toG2.size() > 20);
            awaitInbox(g1, operatorId, toG1);
            awaitInbox(g2, operatorId, toG2);
            System.out.println("update itest: " + toG1.size() + " + " + toG2.size()
                    + " messages delivered during four updates, two rollbacks, a refusal and a restart");
        } finally {
            streaming.set(false);
            for (NodeProcess node : all) {
                node.close();
            }
        }
    }

    private static NodeProcess track(List<NodeProcess> all, NodeProcess node) {
        all.add(node);
        return node;
    }

    private static String publish(NodeProcess operator, String group, Path jar) throws IOException {
        String answer = operator.shell.run("update:publish -g " + group + " " + jar.toAbsolutePath());
        Matcher m = PUBLISHED.matcher(answer);
        assertTrue("published: " + answer, m.find());
        return m.group(1);
    }

    /** @return whether {@code update:list -a} shows the update (by its 12-character id) in {@code state} */
    private static boolean listed(NodeProcess node, String id, String state) {
        return row(node.shell.query("update:list -a"), id).contains("  " + state + "  ");
    }

    private static String row(String table, String id) {
        for (String line : table.split("\n")) {
            if (line.startsWith(id.substring(0, 12))) {
                return line;
            }
        }
        return "";
    }

    private static int count(String text, String fragment) {
        int n = 0;
        for (int at = text.indexOf(fragment); at >= 0; at = text.indexOf(fragment, at + 1)) {
            n++;
        }
        return n;
    }

    private static void send(NodeProcess from, String to, String text, List<String> accepted) throws IOException {
        String answer = from.shell.run("mesh:send -r -w 0 " + to + " " + text);
        assertTrue("accepted: " + answer, ACCEPTED.matcher(answer).matches());
        accepted.add(text);
    }

    /** Waits until the receiver's inbox (kept in its store, so across its restart) holds each text exactly once. */
    private static void awaitInbox(NodeProcess receiver, String from, List<String> texts) throws Exception {
        Await.until(receiver.directory.getFileName() + " received all " + texts.size() + " messages", WAIT,
                () -> DurableDeliveryIT.inboxTexts(receiver, from).containsAll(texts));
        List<String> received = DurableDeliveryIT.inboxTexts(receiver, from);
        for (String text : texts) {
            assertEquals(text + " delivered once to " + receiver.directory.getFileName(), 1,
                    received.stream().filter(text::equals).count());
        }
    }

    private static List<Path> filesContaining(Path dir, String text) throws IOException {
        byte[] needle = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        List<Path> found = new ArrayList<>();
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] content = Files.readAllBytes(file);
                for (int i = 0; i + needle.length <= content.length; i++) {
                    if (java.util.Arrays.equals(content, i, i + needle.length, needle, 0, needle.length)) {
                        found.add(file);
                        break;
                    }
                }
            }
        }
        return found;
    }

    private static String bundleVersion(Path jar) throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            return in.getManifest().getMainAttributes().getValue("Bundle-Version");
        }
    }

    /**
     * Copies a bundle with a new Bundle-Version and, if {@code extraImport} is given, an extra Import-Package no
     * bundle exports (so that it cannot resolve): what an operator's build would produce for a new release.
     */
    private static Path rewrite(Path source, Path target, String version, String extraImport) throws IOException {
        return rewrite(source, target, version, extraImport, null, null);
    }

    /** As above, replacing {@code from} with {@code to} in the bundle's component descriptions (OSGI-INF/*.xml). */
    private static Path rewrite(Path source, Path target, String version, String extraImport, String from, String to)
            throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(source))) {
            Manifest manifest = new Manifest(in.getManifest());
            Attributes main = manifest.getMainAttributes();
            main.putValue("Bundle-Version", version);
            if (extraImport != null) {
                main.putValue("Import-Package", main.getValue("Import-Package") + "," + extraImport);
            }
            try (OutputStream file = Files.newOutputStream(target); JarOutputStream out = new JarOutputStream(file, manifest)) {
                for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                    out.putNextEntry(new JarEntry(e.getName()));
                    if (from != null && e.getName().startsWith("OSGI-INF/") && e.getName().endsWith(".xml")) {
                        String xml = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                        out.write(xml.replace(from, to).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    } else {
                        in.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
        }
        return target;
    }
}
