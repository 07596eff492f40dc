package org.sovereignmesh.itests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A real node: {@code java -jar node.jar} in its own working directory, with its console captured. */
final class NodeProcess implements AutoCloseable {
    final Path directory;
    final NodeShell shell;
    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    final long startedNanos;

    private NodeProcess(Path directory, Process process, long startedNanos) {
        this.directory = directory;
        this.process = process;
        this.startedNanos = startedNanos;
        this.shell = new NodeShell(directory.resolve("data"));
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    output.add(line);
                }
            } catch (IOException e) {
                output.add("[output reader failed: " + e + "]");
            }
        }, "node-output-" + directory.getFileName());
        reader.setDaemon(true);
        reader.start();
    }

    /** Multicast port of this test run's discovery: nodes of other runs on the machine never hear ours. */
    static final int DISCOVERY_PORT = 40000 + new java.util.Random().nextInt(20000);

    /**
     * What every test node gets first: internet transports on 127.0.0.1 and free ports, discovery on the loopback
     * interface only. Tests never listen on, or announce to, anything but loopback. Options given to
     * {@link #start} come later and override these.
     */
    static List<String> loopbackOnly() {
        List<String> options = new ArrayList<>();
        for (String medium : List.of("tcp", "udp", "ws", "quic")) {
            options.add("-Dmesh." + medium + ".host=127.0.0.1");
            options.add("-Dmesh." + medium + ".port=0");
        }
        options.add("-Dmesh.discovery.interfaces=lo");
        options.add("-Dmesh.discovery.port=" + DISCOVERY_PORT);
        options.add("-Dmesh.discovery.intervalSeconds=1");
        return options;
    }

    /** Starts a node in a fresh {@code target/work/<name>} directory. */
    static NodeProcess start(String name, String... jvmOptions) throws IOException {
        deleteTree(Path.of(MeshOptions.required("mesh.itest.work"), name));
        return restart(name, Map.of(), jvmOptions);
    }

    /**
     * Starts a node in {@code target/work/<name>}, keeping what an earlier node left there.
     *
     * @param environment variables added to the node's environment (for example MESH_PASSPHRASE)
     */
    static NodeProcess restart(String name, Map<String, String> environment, String... jvmOptions) throws IOException {
        return launch("node.jar", name, environment, List.of(jvmOptions));
    }

    /**
     * Starts a small gateway ({@code java -Xmx64m -jar gateway.jar}, as {@code runtime/start --gateway} does) in a
     * fresh {@code target/work/<name>} directory.
     */
    static NodeProcess startGateway(String name, String... jvmOptions) throws IOException {
        deleteTree(Path.of(MeshOptions.required("mesh.itest.work"), name));
        return restartGateway(name, jvmOptions);
    }

    /** Starts a gateway in {@code target/work/<name>}, keeping what an earlier one left there. */
    static NodeProcess restartGateway(String name, String... jvmOptions) throws IOException {
        List<String> options = new ArrayList<>();
        options.add("-Xmx64m");
        options.addAll(List.of(jvmOptions));
        return launch("gateway.jar", name, Map.of(), options);
    }

    private static NodeProcess launch(String jar, String name, Map<String, String> environment, List<String> jvmOptions)
            throws IOException {
        Path dir = Path.of(MeshOptions.required("mesh.itest.work"), name);
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(loopbackOnly());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(MeshOptions.testArtifact(jar).getAbsolutePath());
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().remove("MESH_PASSPHRASE");
        builder.environment().putAll(environment);
        long started = System.nanoTime();
        return new NodeProcess(dir, builder.start(), started);
    }

    /** Waits until the node printed its identity and its command port runs the mesh commands. */
    NodeProcess awaitReady(Duration timeout) throws InterruptedException {
        Await.until("identity banner; output so far:\n" + outputText(), timeout,
                () -> printed("Sovereign Mesh node did:key:z6Mk"));
        Await.until("mesh commands on the command port", timeout, () -> {
            if (!shell.ready()) {
                return false;
            }
            try {
                return shell.run("mesh:info").startsWith("peer id");
            } catch (IOException e) {
                return false;
            }
        });
        return this;
    }

    /** @return the peer id this node printed at start ({@code z6Mk...}) */
    String peerId() {
        return output().stream().filter(l -> l.startsWith("Sovereign Mesh node did:key:")).findFirst()
                .orElseThrow(() -> new AssertionError("no identity banner yet")).substring(
                        "Sovereign Mesh node did:key:".length()).strip();
    }

    List<String> output() {
        return List.copyOf(output);
    }

    String outputText() {
        return String.join("\n", output);
    }

    boolean printed(String fragment) {
        return output.stream().anyMatch(line -> line.contains(fragment));
    }

    /** @return how many lines the node printed that equal {@code line} */
    long printedLines(String line) {
        return output.stream().filter(line::equals).count();
    }

    /** Runs Gogo's {@code stop} on the bundle whose name contains {@code name}. */
    void stopBundle(String name) throws IOException {
        shell.run("stop " + bundleId(name));
    }

    void startBundle(String name) throws IOException {
        shell.run("start " + bundleId(name));
    }

    /** @return the id {@code lb} lists for the bundle whose name contains {@code name} */
    String bundleId(String name) throws IOException {
        for (String line : shell.run("lb").split("\n")) {
            if (line.contains(name)) {
                return line.split("\\|")[0].strip();
            }
        }
        throw new AssertionError("no bundle named " + name + " in " + directory);
    }

    /** @return whether {@code mesh:links} lists an established link to {@code peer} on {@code transport} */
    boolean hasLink(String peer, String transport) {
        return linked(peer, java.util.regex.Pattern.quote(transport));
    }

    /** @return whether {@code mesh:links} lists an established link to {@code peer} on any transport */
    boolean hasAnyLink(String peer) {
        return linked(peer, "\\S+");
    }

    private boolean linked(String peer, String transportPattern) {
        try {
            return java.util.regex.Pattern.compile("(?m)^\\d+ +" + transportPattern
                    + " +(in|out) +ESTABLISHED +" + java.util.regex.Pattern.quote(peer) + " ")
                    .matcher(shell.run("mesh:links")).find();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    void awaitLink(String peer, String transport, Duration timeout) throws InterruptedException {
        Await.until(transport + " link to " + peer + " from " + directory.getFileName(), timeout,
                () -> hasLink(peer, transport));
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Sends SIGTERM and waits for the process to end. */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("node did not stop within " + timeout + " of SIGTERM; output:\n" + outputText());
        }
        return process.exitValue();
    }

    /** Sends SIGKILL (no shutdown hook runs) and waits for the process to end. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
