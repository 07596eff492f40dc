package org.sovereignmesh.store.derby.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sovereignmesh.store.QueueEntry;
import org.sovereignmesh.store.StoreException;

/**
 * A writer in another JVM is killed with SIGKILL in the middle of writing: every write it had acknowledged (its
 * commit returned) is there after reopening. While it runs, the store is locked against a second process; a store
 * with garbled files refuses to open with a message naming the directory.
 */
class CrashDurabilityTest {

    @Test
    void everyAcknowledgedWriteSurvivesKillMinus9AndALiveWriterLocksTheStore(@TempDir Path dir) throws Exception {
        Path location = dir.resolve("store");
        Process writer = startWriter(location);
        long lastAck = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            List<String> early = new ArrayList<>();
            while (line != null && !line.equals("open")) {
                early.add(line);
                line = out.readLine();
            }
            assertEquals("open", line, "writer did not start: " + early);

            // the running writer holds the store: a second process gets a clear error, not a second copy
            StoreException locked = assertThrows(StoreException.class, () -> StoreFixture.open(location));
            assertEquals(StoreException.Reason.LOCKED, locked.reason(), locked.getMessage());
            assertTrue(locked.getMessage().contains(location.toAbsolutePath().toString()), locked.getMessage());
            assertTrue(locked.getMessage().contains("in use by another process"), locked.getMessage());

            while ((line = out.readLine()) != null) {
                lastAck = Long.parseLong(line.substring("ack ".length()));
                if (lastAck >= 300) {
                    break;
                }
            }
            writer.destroyForcibly(); // SIGKILL on Unix: no shutdown hook, no Derby shutdown
            // it was writing at full speed: the kill lands in the middle of a transaction or a log write
            assertTrue(writer.waitFor(30, TimeUnit.SECONDS));
        } finally {
            writer.destroyForcibly();
        }
        assertEquals(137, writer.exitValue(), "killed by SIGKILL");
        assertTrue(lastAck >= 300, "the writer acknowledged " + lastAck);

        try (DerbyStore store = StoreFixture.open(location)) {
            for (long i = 0; i <= lastAck; i++) {
                byte[] value = store.keyValue("crash").get("entry-" + i).orElse(null);
                assertArrayEquals(("value-" + i).getBytes(StandardCharsets.UTF_8), value, "entry " + i + " of " + lastAck);
            }
            List<QueueEntry> items = store.queue("crash").peek((int) lastAck + 10);
            assertTrue(items.size() >= lastAck + 1, items.size() + " queue items for " + (lastAck + 1) + " acks");
            for (int i = 0; i <= lastAck; i++) {
                assertArrayEquals(("item-" + i).getBytes(StandardCharsets.UTF_8), items.get(i).item());
            }
        }
    }

    @Test
    void aGarbledStoreRefusesToOpenAndSaysWhatToDo(@TempDir Path dir) throws IOException {
        Path location = dir.resolve("store");
        try (DerbyStore store = StoreFixture.open(location)) {
            for (int i = 0; i < 200; i++) {
                store.keyValue("garble").put("k" + i, new byte[200]);
            }
        }
        // overwrite the middle of every data file (page 0 of each is left alone: Derby boots, then meets the damage)
        try (Stream<Path> files = Files.list(location.resolve("seg0"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".dat")).toList()) {
                try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                    if (raf.length() > 4096) {
                        raf.seek(4096 + 100);
                        raf.write(new byte[Math.min(3000, (int) raf.length() - 4196)]);
                    }
                }
            }
        }
        StoreException e = assertThrows(StoreException.class, () -> StoreFixture.open(location));
        assertEquals(StoreException.Reason.CORRUPTED, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains(location.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("restore it from a backup, or move the directory aside"), e.getMessage());
    }

    @Test
    void aDirectoryThatIsNotAStoreIsReportedAsDamaged(@TempDir Path dir) throws IOException {
        Path location = dir.resolve("store");
        Files.createDirectories(location);
        Files.writeString(location.resolve("stray.txt"), "not a database");
        StoreException e = assertThrows(StoreException.class, () -> StoreFixture.open(location));
        assertEquals(StoreException.Reason.CORRUPTED, e.reason());
        assertTrue(e.getMessage().contains(location.toAbsolutePath().toString()), e.getMessage());
    }

    private static Process startWriter(Path location) throws IOException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), StoreWriterProcess.class.getName(),
                location.toString(), HexFormat.of().formatHex(StoreFixture.BOOT),
                HexFormat.of().formatHex(StoreFixture.PAYLOAD));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }
}
