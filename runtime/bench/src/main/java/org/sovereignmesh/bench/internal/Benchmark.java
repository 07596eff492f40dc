package org.sovereignmesh.bench.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Starts two real nodes per internet transport (only that transport enabled, everything on 127.0.0.1, discovery on
 * the loopback interface), drops the benchmark bundle into both, runs {@code bench:run} from one to the other and
 * prints the figures next to a plain Netty TCP baseline measured in the same run.
 *
 * <pre>java -cp ... Benchmark node.jar mesh.bench.jar</pre>  (see bench/run)
 */
public final class Benchmark {
    private static final List<String> TRANSPORTS = List.of("tcp", "ws", "quic", "udp");
    private static final Pattern FIGURE = Pattern.compile("(\\w+)=(\\S+)");

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Benchmark <node.jar> <mesh.bench.jar>");
            System.exit(2);
        }
        Path nodeJar = Path.of(args[0]).toAbsolutePath();
        Path benchJar = Path.of(args[1]).toAbsolutePath();
        Path work = Files.createTempDirectory("mesh-bench");
        int multicastPort = 40000 + (int) (ProcessHandle.current().pid() % 20000);
        Map<String, Map<String, String>> results = new LinkedHashMap<>();
        System.err.println("plain netty tcp ...");
        results.put("netty tcp (no mesh)", figures(NettyBaseline.run(60 * 1024)));
        for (String transport : TRANSPORTS) {
            System.err.println(transport + " ...");
            try (Node a = Node.start(work.resolve(transport + "-a"), nodeJar, benchJar, transport, multicastPort);
                    Node b = Node.start(work.resolve(transport + "-b"), nodeJar, benchJar, transport, multicastPort)) {
                a.awaitReady();
                b.awaitReady();
                String peerB = b.peerId();
                waitFor(transport + " link", 30, () -> a.run("mesh:links").contains(peerB));
                String line = a.run("bench:run " + peerB);
                for (int i = 0; i < 100 && line.contains("Command not found"); i++) { // the bundle is still starting
                    Thread.sleep(100);
                    line = a.run("bench:run " + peerB);
                }
                if (!line.contains("bulk_mb_s")) {
                    throw new IllegalStateException(transport + ": " + line);
                }
                Map<String, String> f = figures(line);
                List<String> drops = b.linkDrops();
                drops.addAll(a.linkDrops());
                f.put("link_drops", Integer.toString(drops.size()));
                if (!drops.isEmpty()) {
                    System.err.println(transport + ": links dropped during the run: " + drops);
                }
                results.put("mesh " + transport, f);
            }
        }
        print(results);
        deleteTree(work);
    }

    private static Map<String, String> figures(String line) {
        Map<String, String> map = new LinkedHashMap<>();
        Matcher m = FIGURE.matcher(line);
        while (m.find()) {
            map.put(m.group(1), m.group(2));
        }
        return map;
    }

    private static void print(Map<String, Map<String, String>> results) {
        System.out.printf("%-20s %10s %12s %22s %11s %11s %11s%n", "transport", "bulk MB/s", "1 KiB msg/s",
                "delivered", "RTT p50 us", "RTT p99 us", "link drops");
        results.forEach((name, f) -> System.out.printf("%-20s %10s %12s %22s %11s %11s %11s%n", name,
                f.get("bulk_mb_s"), f.get("rate_msgs_s"), f.get("rate_received") + " " + f.get("bulk_received"),
                f.get("rtt_p50_us"), f.get("rtt_p99_us"), f.getOrDefault("link_drops", "-")));
        System.out.println("(delivered: 1 KiB messages, then bulk messages of 60 KiB, received/sent; "
                + Runtime.getRuntime().availableProcessors() + " cores)");
    }

    private static void waitFor(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** One node process and its command port (the protocol of runtime/meshctl). */
    private static final class Node implements AutoCloseable {
        private final Path dir;
        private final Process process;

        private Node(Path dir, Process process) {
            this.dir = dir;
            this.process = process;
        }

        static Node start(Path dir, Path nodeJar, Path benchJar, String transport, int multicastPort)
                throws IOException {
            Files.createDirectories(dir.resolve("deploy"));
            Files.copy(benchJar, dir.resolve("deploy").resolve(benchJar.getFileName()));
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx1g"));
            for (String medium : TRANSPORTS) {
                command.add("-Dmesh." + medium + ".host=127.0.0.1");
                command.add("-Dmesh." + medium + ".port=0");
                command.add("-Dmesh." + medium + ".enabled=" + medium.equals(transport));
            }
            command.addAll(List.of("-Dmesh.discovery.interfaces=lo", "-Dmesh.discovery.port=" + multicastPort,
                    "-Dmesh.discovery.intervalSeconds=1", "-jar", nodeJar.toString()));
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("console.txt").toFile()).start();
            return new Node(dir, p);
        }

        void awaitReady() throws InterruptedException {
            waitFor("node in " + dir, 30, () -> {
                try {
                    return Files.exists(dir.resolve("data/shell.port")) && run("mesh:info").startsWith("peer id");
                } catch (RuntimeException e) {
                    return false;
                }
            });
        }

        /** @return the reasons of links that went down, from the console */
        List<String> linkDrops() throws IOException {
            List<String> drops = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve("console.txt"))) {
                if (line.matches("link \\d+ down: .*")) {
                    drops.add(line.replaceFirst("link \\d+ down: ", ""));
                }
            }
            return drops;
        }

        String peerId() {
            String info = run("mesh:info");
            return info.lines().filter(l -> l.startsWith("peer id")).findFirst().orElseThrow().substring(7).strip();
        }

        String run(String command) {
            try {
                int port = Integer.parseInt(Files.readString(dir.resolve("data/shell.port")).strip());
                String token = Files.readString(dir.resolve("data/shell.token")).strip();
                try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    socket.setSoTimeout(300_000);
                    OutputStream out = socket.getOutputStream();
                    out.write((token + "\n" + command + "\nexit\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    InputStream in = socket.getInputStream();
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
