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
        Path dir = Path.of(MeshOptions.required("mesh.itest.work"), name);
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.add("-jar");
        command.add(MeshOptions.testArtifact("node.jar").getAbsolutePath());
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().remove("MESH_PASSPHRASE");
        builder.environment().putAll(environment);
        long started = System.nanoTime();
        return new NodeProcess(dir, builder.start(), started);
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
