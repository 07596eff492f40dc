package org.sovereignmesh.transport.sneakernet.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.sovereignmesh.api.time.Cancellable;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.LinkMode;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.api.transport.TransportContext;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.api.transport.TransportProfile;
import org.sovereignmesh.api.transport.TransportState;
import org.sovereignmesh.radio.RadioLink;

/**
 * Removable media (a USB stick, an SD card, a shared folder) as a carrier medium. Every frame the node sends on it is
 * a file in {@code <mount point>/sovereign-mesh/frames/} named {@code <millis>-<sequence>-<sha256 prefix>.smf}, written
 * atomically (temporary name, forced to the device, renamed); a frame this node already wrote is not written again.
 * Every file found there that this node did not write or read before is delivered as a frame, in name order, so
 * each writer's frames arrive in the order it wrote them. The stick carries frames to whichever
 * node mounts it next: the core writes the packets it holds for lack of a path, and the node that reads them
 * delivers those addressed to it and relays or holds the rest.
 *
 * <p>The medium comes and goes: without a directory at the mount point the transport is UNAVAILABLE and its link
 * closed; when the stick reappears it is ACTIVE again and scanned at once. All file work happens on the transport's
 * own thread; the context's scheduler only paces the scans. Files larger than the MTU, unreadable files and files
 * older than the retention are skipped or removed, never fatal.
 */
public final class SneakernetTransport implements Transport {
    public static final String PROTOCOL = "fs";
    static final String DIRECTORY = "sovereign-mesh";
    static final String FRAMES = "frames";
    static final String SUFFIX = ".smf";
    private static final System.Logger LOG = System.getLogger(SneakernetTransport.class.getName());
    private static final int MAX_FILES_PER_SCAN = 10_000;

    private final String id;
    private final Path mountPoint;
    private final Duration scanInterval;
    private final Duration retention;
    private final TransportProfile profile;
    private final MeshAddress address;
    /** Files written or read by this node: never delivered again. */
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    /** Digests of the frames this node wrote: the same frame is written once. */
    private final Set<String> writtenDigests = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicLong sequence = new java.util.concurrent.atomic.AtomicLong();

    /** Runs the file work; null: the transport starts a thread of its own. */
    private final Executor givenIo;

    // guarded by this
    private TransportContext context;
    private Executor io;
    private ExecutorService ownIo;
    private Cancellable scans;
    private RadioLink link;
    private boolean scanning;

    public SneakernetTransport(String id, Path mountPoint, Duration scanInterval, Duration retention, int mtu) {
        this(id, mountPoint, scanInterval, retention, mtu, null);
    }

    /**
     * @param io runs the file work; null gives the transport a thread of its own (a node), a direct executor runs it
     *           on the scheduler (tests on virtual time)
     */
    SneakernetTransport(String id, Path mountPoint, Duration scanInterval, Duration retention, int mtu, Executor io) {
        this.givenIo = io;
        this.id = id;
        this.mountPoint = mountPoint.toAbsolutePath().normalize();
        this.scanInterval = scanInterval;
        this.retention = retention;
        this.profile = TransportProfile.builder().duplex(false).broadcast(true).carrier(true).lossy(false).mtu(mtu)
                .bitrate(50_000_000L).latency(Duration.ofHours(1)).cost(0).build();
        this.address = MeshAddress.of(PROTOCOL, this.mountPoint.toString());
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public TransportProfile profile() {
        return profile;
    }

    /** Frames are not sent to an address but left on the medium for whoever reads it next. */
    @Override
    public boolean supports(MeshAddress other) {
        return false;
    }

    @Override
    public synchronized void start(TransportContext newContext) throws TransportException {
        if (context != null) {
            throw new TransportException(id + " is already started");
        }
        context = newContext;
        if (givenIo == null) {
            ownIo = Executors.newSingleThreadExecutor(runnable -> {
                Thread t = new Thread(runnable, "sneakernet-" + id);
                t.setDaemon(true);
                return t;
            });
            io = ownIo;
        } else {
            io = givenIo;
        }
        newContext.localAddressesChanged(List.of(address));
        newContext.stateChanged(TransportState.STARTING, "looking for the medium at " + mountPoint);
        scans = newContext.scheduler().scheduleAtFixedRate(this::requestScan, 0, scanInterval.toNanos(),
                TimeUnit.NANOSECONDS);
    }

    @Override
    public void stop() {
        RadioLink closing;
        synchronized (this) {
            if (context == null) {
                return;
            }
            scans.cancel();
            if (ownIo != null) {
                ownIo.shutdown();
                ownIo = null;
            }
            io = null;
            closing = link;
            link = null;
            context = null;
        }
        if (closing != null) {
            closing.closeWith(null);
        }
    }

    @Override
    public CompletionStage<Link> connect(MeshAddress other) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(
                "removable media carry frames to whoever reads them; there is nothing to connect to"));
    }

    /** Scans now (on the transport's thread), unless a scan is running. */
    void requestScan() {
        Executor executor;
        synchronized (this) {
            if (context == null || scanning) {
                return;
            }
            scanning = true;
            executor = io;
        }
        try {
            executor.execute(() -> {
                try {
                    scan();
                } finally {
                    synchronized (this) {
                        scanning = false;
                    }
                }
            });
        } catch (RejectedExecutionException stopped) {
            synchronized (this) {
                scanning = false;
            }
        }
    }

    private Path frames() {
        return mountPoint.resolve(DIRECTORY).resolve(FRAMES);
    }

    private void scan() {
        if (!Files.isDirectory(mountPoint)) {
            mediumGone("no medium mounted at " + mountPoint);
            return;
        }
        try {
            Files.createDirectories(frames());
        } catch (IOException e) {
            mediumGone("cannot use " + mountPoint + ": " + e.getMessage());
            return;
        }
        RadioLink current = mediumPresent();
        if (current == null) {
            return;
        }
        long oldest = System.currentTimeMillis() - retention.toMillis();
        java.util.List<Path> fresh = new java.util.ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(frames(), "*" + SUFFIX)) {
            for (Path file : files) {
                if (!known.contains(file.getFileName().toString()) && !expired(file, oldest)) {
                    fresh.add(file);
                    if (fresh.size() >= MAX_FILES_PER_SCAN) {
                        break; // the rest next time
                    }
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "{0}: cannot list {1}: {2}", id, frames(), e.getMessage());
            return;
        }
        fresh.sort(null);
        for (Path file : fresh) {
            known.add(file.getFileName().toString());
            byte[] frame = read(file);
            if (frame != null) {
                current.deliver(frame);
            }
        }
    }

    /** Removes a file past the retention (stick hygiene); @return whether it was removed */
    private boolean expired(Path file, long oldestMillis) {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (modified.toMillis() < oldestMillis) {
                Files.deleteIfExists(file);
                known.remove(file.getFileName().toString());
                return true;
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "{0}: cannot age {1}: {2}", id, file, e.getMessage());
        }
        return false;
    }

    /** @return the file's bytes, or null (too large, unreadable: skipped with a log line) */
    private byte[] read(Path file) {
        try {
            long size = Files.size(file);
            if (size == 0 || size > profile.mtu()) {
                LOG.log(Level.WARNING, "{0}: skipped {1}: {2} bytes (frames are 1 to {3} bytes)", id, file,
                        String.valueOf(size), String.valueOf(profile.mtu()));
                return null;
            }
            try (InputStream in = Files.newInputStream(file)) {
                return in.readNBytes(profile.mtu());
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "{0}: cannot read {1}: {2}", id, file, e.getMessage());
            return null;
        }
    }

    private RadioLink mediumPresent() {
        RadioLink offered;
        TransportContext ctx;
        synchronized (this) {
            if (context == null) {
                return null;
            }
            if (link != null && !link.isClosed()) {
                return link;
            }
            ctx = context;
            link = new RadioLink(address, LinkMode.BROADCAST, profile.mtu(), ctx.scheduler(), this::write, 4096);
            offered = link;
        }
        LOG.log(Level.INFO, "{0}: medium present at {1}", id, mountPoint);
        ctx.stateChanged(TransportState.ACTIVE, "");
        ctx.incomingLink(offered);
        return offered;
    }

    private void mediumGone(String reason) {
        RadioLink closing;
        TransportContext ctx;
        synchronized (this) {
            ctx = context;
            closing = link;
            link = null;
        }
        if (ctx != null) {
            ctx.stateChanged(TransportState.UNAVAILABLE, reason);
        }
        if (closing != null) {
            LOG.log(Level.INFO, "{0}: {1}", id, reason);
            closing.closeWith(new IOException(reason));
        }
    }

    /** Writes one frame as a file, atomically and durably, on the transport's thread. */
    private CompletionStage<Void> write(byte[] frame) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        Executor executor;
        synchronized (this) {
            executor = io;
        }
        if (executor == null) {
            return CompletableFuture.failedFuture(new TransportException(id + " is stopped"));
        }
        try {
            executor.execute(() -> {
                try {
                    String digest = HexFormat.of().formatHex(sha256(frame), 0, 16);
                    String name = String.format("%013d-%06d-%s%s", System.currentTimeMillis(),
                            sequence.incrementAndGet() % 1_000_000, digest, SUFFIX);
                    Path target = frames().resolve(name);
                    known.add(name);
                    if (writtenDigests.add(digest)) {
                        Path tmp = frames().resolve(name + ".tmp");
                        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE,
                                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                            channel.write(ByteBuffer.wrap(frame));
                            channel.force(true); // on removable media: on the device before anyone pulls it
                        }
                        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    }
                    written.complete(null);
                } catch (IOException e) {
                    written.completeExceptionally(new TransportException("cannot write to the medium at " + mountPoint
                            + ": " + e.getMessage(), e));
                    mediumGone("cannot write to " + mountPoint + ": " + e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new TransportException(id + " is stopped"));
        }
        return written;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
