package org.sovereignmesh.transport.tck;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Two connected pseudo-terminals made by {@code socat}: what one end writes, the other reads, like a null-modem
 * cable. Serial transports run their real port code (jSerialComm) on one end while a test plays the device (a
 * modem, a radio) on the other. Needs {@code socat}; {@link #open(Path)} installs it with apt-get when it is
 * missing and the test runs as root, and otherwise fails saying so.
 */
public final class PtyPair implements AutoCloseable {
    private static final long START_TIMEOUT_MILLIS = 10_000;

    private final Process socat;
    private final Path first;
    private final Path second;

    private PtyPair(Process socat, Path first, Path second) {
        this.socat = socat;
        this.first = first;
        this.second = second;
    }

    /** Starts socat with two raw, echo-free ptys linked as {@code dir/pty-a} and {@code dir/pty-b}. */
    public static PtyPair open(Path dir) throws IOException, InterruptedException {
        ensureSocat();
        Files.createDirectories(dir);
        Path a = dir.resolve("pty-a");
        Path b = dir.resolve("pty-b");
        Files.deleteIfExists(a);
        Files.deleteIfExists(b);
        Process process = new ProcessBuilder("socat", "-d", "-d",
                "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b)
                .redirectErrorStream(true).redirectOutput(dir.resolve("socat.log").toFile()).start();
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        while (!(Files.exists(a) && Files.exists(b))) {
            if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                process.destroyForcibly();
                throw new IOException("socat did not create the pty pair; see " + dir.resolve("socat.log"));
            }
            Thread.sleep(10);
        }
        return new PtyPair(process, a.toRealPath(), b.toRealPath());
    }

    /** @return the device path of the first pty (for the transport under test), for example {@code /dev/pts/3} */
    public Path first() {
        return first;
    }

    /** @return the device path of the second pty (for the simulated device) */
    public Path second() {
        return second;
    }

    @Override
    public void close() throws InterruptedException {
        socat.destroy();
        if (!socat.waitFor(5, TimeUnit.SECONDS)) {
            socat.destroyForcibly();
        }
    }

    /** Makes sure {@code socat} is on the PATH, installing the Debian package as root if it is not. */
    public static void ensureSocat() throws IOException, InterruptedException {
        Programs.ensure("socat", "socat");
    }
}
