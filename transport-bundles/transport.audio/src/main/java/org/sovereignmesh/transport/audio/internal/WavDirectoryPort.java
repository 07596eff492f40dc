package org.sovereignmesh.transport.audio.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.sovereignmesh.api.time.Cancellable;
import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.TransportException;

/**
 * Sound as WAV files: each transmission is written to the outbox folder ({@code <prefix>-<sequence>.wav}, 16-bit
 * mono PCM, written under a temporary name and renamed, so a reader never sees half a file), and every {@code *.wav}
 * file that appears in the inbox folder is read, demodulated as one recording and deleted. A file is read only once
 * its size stayed the same over two polls (another program may still be writing it); files that cannot be read (not
 * WAV, another sample rate, too large) are moved to {@code inbox/rejected/} with a warning. All file work runs on the
 * port's own thread; the scheduler only triggers polls.
 */
final class WavDirectoryPort implements AudioPort {
    private static final System.Logger LOG = System.getLogger(WavDirectoryPort.class.getName());
    static final int MAX_REJECTED = 1000;

    private final Path outbox;
    private final Path inbox;
    private final int sampleRate;
    private final String prefix;
    private final Scheduler scheduler;
    private final long pollNanos;
    private final AtomicLong sequence = new AtomicLong();
    private final Map<Path, Long> seenSizes = new HashMap<>();

    // guarded by this
    private ExecutorService io;
    private Events events;
    private Cancellable poller;
    private boolean polling;

    /**
     * @param prefix start of the names of written files (the transport id and a random part, so two nodes writing
     *               into one folder never clash)
     */
    WavDirectoryPort(Path outbox, Path inbox, int sampleRate, String prefix, Scheduler scheduler, long pollMillis) {
        this.outbox = outbox;
        this.inbox = inbox;
        this.sampleRate = sampleRate;
        this.prefix = prefix;
        this.scheduler = scheduler;
        this.pollNanos = TimeUnit.MILLISECONDS.toNanos(pollMillis);
    }

    @Override
    public synchronized void open(Events newEvents) {
        events = newEvents;
        io = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mesh-audio-wav-" + prefix);
            t.setDaemon(true);
            return t;
        });
        io.execute(() -> {
            try {
                Files.createDirectories(outbox);
                Files.createDirectories(inbox);
                if (!Files.isWritable(outbox)) {
                    throw new IOException("outbox " + outbox + " is not writable");
                }
                if (!Files.isReadable(inbox)) {
                    throw new IOException("inbox " + inbox + " is not readable");
                }
            } catch (IOException | RuntimeException e) {
                fail("WAV folders unusable: " + e.getMessage());
                return;
            }
            Events current = currentEvents();
            if (current != null) {
                current.ready(describe());
                schedulePolls();
            }
        });
    }

    private synchronized void schedulePolls() {
        if (events != null && poller == null) {
            poller = scheduler.scheduleAtFixedRate(this::poll, pollNanos, pollNanos, TimeUnit.NANOSECONDS);
        }
    }

    private synchronized Events currentEvents() {
        return events;
    }

    /** On the scheduler: hands one scan to the I/O thread unless one is still running. */
    private void poll() {
        synchronized (this) {
            if (io == null || polling) {
                return;
            }
            polling = true;
            try {
                io.execute(this::scan);
            } catch (RejectedExecutionException e) {
                polling = false;
            }
        }
    }

    private void scan() {
        try {
            List<Path> ready = new ArrayList<>();
            Map<Path, Long> sizes = new HashMap<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(inbox, "*.wav")) {
                for (Path file : files) {
                    if (!Files.isRegularFile(file) || file.getFileName().toString().startsWith(".")) {
                        continue;
                    }
                    long size = Files.size(file);
                    sizes.put(file, size);
                    Long before = seenSizes.get(file);
                    if (before != null && before == size) {
                        ready.add(file);
                    }
                }
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot list WAV inbox {0}: {1}", inbox.toString(), e.getMessage());
                return;
            }
            seenSizes.clear();
            seenSizes.putAll(sizes);
            ready.sort(null);
            for (Path file : ready) {
                seenSizes.remove(file);
                Events current = currentEvents();
                if (current == null) {
                    return;
                }
                try {
                    WavFiles.stream(file, sampleRate, (block, n) -> current.heard(block, 0, n));
                } catch (IOException e) {
                    current.endOfRecording();
                    reject(file, e.getMessage());
                    continue;
                }
                current.endOfRecording();
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    reject(file, "cannot delete it after reading: " + e.getMessage());
                }
            }
        } finally {
            synchronized (this) {
                polling = false;
            }
        }
    }

    private void reject(Path file, String why) {
        LOG.log(Level.WARNING, "WAV inbox: {0} refused: {1}", file.toString(), why);
        try {
            Path rejected = Files.createDirectories(inbox.resolve("rejected"));
            try (var existing = Files.list(rejected)) {
                if (existing.count() >= MAX_REJECTED) {
                    Files.deleteIfExists(file);
                    return;
                }
            }
            Files.move(file, rejected.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "WAV inbox: cannot move {0} aside: {1}", file.toString(), e.getMessage());
        }
    }

    @Override
    public CompletionStage<Void> play(float[] samples) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (this) {
            if (io == null) {
                return CompletableFuture.failedFuture(new TransportException(describe() + " is closed"));
            }
            try {
                io.execute(() -> write(samples, done));
            } catch (RejectedExecutionException e) {
                return CompletableFuture.failedFuture(new TransportException(describe() + " is closed"));
            }
        }
        return done;
    }

    private void write(float[] samples, CompletableFuture<Void> done) {
        String name = String.format("%s-%08d.wav", prefix, sequence.incrementAndGet());
        Path temp = outbox.resolve("." + name + ".tmp");
        try {
            WavFiles.write(temp, samples, sampleRate);
            try (var channel = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(temp, outbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, outbox.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
            done.complete(null);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the write failure is what matters
            }
            done.completeExceptionally(new TransportException("cannot write " + name + " to " + outbox + ": "
                    + e.getMessage(), e));
            fail("WAV outbox " + outbox + " unusable: " + e.getMessage());
        }
    }

    private void fail(String reason) {
        Events current = currentEvents();
        if (current != null) {
            current.failed(reason);
        }
    }

    @Override
    public void close() {
        ExecutorService old;
        synchronized (this) {
            events = null;
            if (poller != null) {
                poller.cancel();
                poller = null;
            }
            old = io;
            io = null;
        }
        if (old != null) {
            old.shutdown();
        }
    }

    @Override
    public String describe() {
        return "WAV files: outbox " + outbox + ", inbox " + inbox;
    }
}
