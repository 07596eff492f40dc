package org.sovereignmesh.transport.sneakernet.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sovereignmesh.api.transport.FrameReceiver;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.TransportState;
import org.sovereignmesh.time.SystemScheduler;
import org.sovereignmesh.transport.tck.RecordingContext;

/** The medium's own behaviour on real folders: files, atomic writes, the stick coming and going, hygiene. */
class SneakernetTransportTest {
    @TempDir
    Path root;

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static void eventually(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    private static final class Recorder implements FrameReceiver {
        final List<byte[]> frames = new CopyOnWriteArrayList<>();
        volatile Throwable closed;
        volatile boolean closedAtAll;

        @Override
        public void frameReceived(byte[] frame) {
            frames.add(frame);
        }

        @Override
        public void linkClosed(Throwable cause) {
            closed = cause;
            closedAtAll = true;
        }
    }

    @Test
    void framesTravelAsFilesWhenTheStickMovesBetweenNodes() throws Exception {
        Path stick = Files.createDirectories(root.resolve("usb"));
        try (SystemScheduler clock = new SystemScheduler("test")) {
            SneakernetTransport a = new SneakernetTransport("sn", stick, Duration.ofMillis(100), Duration.ofDays(30), 4096);
            RecordingContext contextA = new RecordingContext(clock);
            a.start(contextA);
            eventually("a offers its link", () -> !contextA.incomingLinks().isEmpty());
            Link linkA = contextA.incomingLinks().get(0);
            Recorder atA = new Recorder();
            linkA.start(atA);
            linkA.send(new byte[] {1, 2, 3}).toCompletableFuture().get();
            linkA.send(new byte[] {1, 2, 3}).toCompletableFuture().get(); // the same frame twice is one file
            linkA.send(new byte[] {4}).toCompletableFuture().get();
            List<Path> files = frameFiles(stick);
            assertEquals(2, files.size(), "a frame already on the stick is not written again: " + files);
            assertTrue(files.stream().noneMatch(f -> f.toString().endsWith(".tmp")));
            Thread.sleep(300);
            assertTrue(atA.frames.isEmpty(), "a node never reads back what it wrote");

            SneakernetTransport b = new SneakernetTransport("sn", stick, Duration.ofMillis(100), Duration.ofDays(30), 4096);
            RecordingContext contextB = new RecordingContext(clock);
            b.start(contextB);
            eventually("b offers its link", () -> !contextB.incomingLinks().isEmpty());
            Recorder atB = new Recorder();
            contextB.incomingLinks().get(0).start(atB);
            eventually("b read both frames", () -> atB.frames.size() == 2);
            assertTrue(atB.frames.stream().anyMatch(f -> f.length == 1 && f[0] == 4));
            Thread.sleep(300);
            assertEquals(2, atB.frames.size(), "each file is read once");
            a.stop();
            b.stop();
        }
    }

    @Test
    void theStickComingAndGoingIsAStateNotAnError() throws Exception {
        Path stick = root.resolve("media/usb0");
        try (SystemScheduler clock = new SystemScheduler("test")) {
            SneakernetTransport t = new SneakernetTransport("sn", stick, Duration.ofMillis(50), Duration.ofDays(30), 4096);
            RecordingContext context = new RecordingContext(clock);
            t.start(context);
            eventually("unavailable without a medium", () -> context.state() == TransportState.UNAVAILABLE);
            assertTrue(context.stateDetail().contains("no medium mounted at"), context.stateDetail());
            Files.createDirectories(stick);
            eventually("active once mounted", () -> context.state() == TransportState.ACTIVE);
            Link first = context.incomingLinks().get(0);
            Recorder recorder = new Recorder();
            first.start(recorder);
            deleteTree(stick);
            eventually("unavailable when pulled", () -> context.state() == TransportState.UNAVAILABLE);
            eventually("the link closed with the reason", () -> recorder.closedAtAll);
            assertTrue(String.valueOf(recorder.closed).contains("no medium"), String.valueOf(recorder.closed));
            Files.createDirectories(stick);
            eventually("a new link when it is back", () -> context.incomingLinks().size() == 2);
            t.stop();
            t.stop();
        }
    }

    @Test
    void oversizedHalfWrittenAndExpiredFilesNeverReachTheNode() throws Exception {
        Path stick = Files.createDirectories(root.resolve("usb"));
        Path frames = Files.createDirectories(stick.resolve(SneakernetTransport.DIRECTORY).resolve(SneakernetTransport.FRAMES));
        Files.write(frames.resolve("big" + SneakernetTransport.SUFFIX), new byte[5000]);
        Files.write(frames.resolve("empty" + SneakernetTransport.SUFFIX), new byte[0]);
        Files.write(frames.resolve("x" + SneakernetTransport.SUFFIX + ".tmp"), new byte[] {9});
        Path old = frames.resolve("old" + SneakernetTransport.SUFFIX);
        Files.write(old, new byte[] {7});
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofDays(40))));
        Files.write(frames.resolve("good" + SneakernetTransport.SUFFIX), new byte[] {5});
        try (SystemScheduler clock = new SystemScheduler("test")) {
            SneakernetTransport t = new SneakernetTransport("sn", stick, Duration.ofMillis(50), Duration.ofDays(30), 4096);
            RecordingContext context = new RecordingContext(clock);
            t.start(context);
            eventually("link", () -> !context.incomingLinks().isEmpty());
            Recorder recorder = new Recorder();
            context.incomingLinks().get(0).start(recorder);
            eventually("the good frame", () -> recorder.frames.size() == 1);
            Thread.sleep(300);
            assertEquals(1, recorder.frames.size());
            assertArrayEquals(new byte[] {5}, recorder.frames.get(0));
            assertTrue(!Files.exists(old), "expired frames are removed from the stick");
            t.stop();
        }
    }

    private static List<Path> frameFiles(Path stick) throws Exception {
        try (Stream<Path> files = Files.list(stick.resolve(SneakernetTransport.DIRECTORY).resolve(SneakernetTransport.FRAMES))) {
            return files.collect(Collectors.toList());
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
