package org.sovereignmesh.transport.tck;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.FrameReceiver;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.LinkMode;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.api.transport.TransportContext;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.api.transport.TransportProfile;
import org.sovereignmesh.api.transport.TransportState;

/**
 * An in-memory duplex transport for testing the kit itself. Its medium carries pieces of at most
 * {@code fragmentSize} bytes (0: whole frames), which each link reassembles. {@link Bug}s switch on the mistakes the
 * kit must catch.
 */
final class PipeTransport implements Transport {
    enum Bug {
        /** sends frames above the MTU */
        IGNORES_MTU,
        /** delivers every second frame before the one sent ahead of it */
        REORDERS,
        /** calls linkClosed twice */
        CLOSES_TWICE,
        /** drops frames that arrive before the link is started */
        DROPS_BEFORE_START,
        /** leaves links open on stop */
        LEAKS_LINKS_ON_STOP
    }

    private static final long LATENCY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private final String name;
    private final Map<String, PipeTransport> world;
    private final int mtu;
    private final int fragmentSize;
    private final Set<Bug> bugs;
    private final List<PipeLink> links = new CopyOnWriteArrayList<>();
    private volatile TransportContext context;

    PipeTransport(String name, Map<String, PipeTransport> world, int mtu, int fragmentSize, Set<Bug> bugs) {
        this.name = name;
        this.world = world;
        this.mtu = mtu;
        this.fragmentSize = fragmentSize;
        this.bugs = bugs.isEmpty() ? EnumSet.noneOf(Bug.class) : EnumSet.copyOf(bugs);
    }

    MeshAddress address() {
        return MeshAddress.of("pipe", name);
    }

    @Override
    public String id() {
        return "pipe-" + name;
    }

    @Override
    public TransportProfile profile() {
        return TransportProfile.builder().mtu(mtu).latency(Duration.ofNanos(LATENCY_NANOS)).bitrate(10_000_000).build();
    }

    @Override
    public boolean supports(MeshAddress address) {
        return address.firstProtocol().equals("pipe");
    }

    @Override
    public synchronized void start(TransportContext ctx) throws TransportException {
        if (context != null) {
            throw new TransportException("already started");
        }
        context = ctx;
        world.put(name, this);
        ctx.localAddressesChanged(List.of(address()));
        ctx.stateChanged(TransportState.ACTIVE, "");
    }

    @Override
    public void stop() {
        synchronized (this) {
            if (context == null) {
                return;
            }
            context = null;
            world.remove(name, this);
        }
        if (!bugs.contains(Bug.LEAKS_LINKS_ON_STOP)) {
            for (PipeLink link : links) {
                link.close();
            }
        }
    }

    @Override
    public CompletionStage<Link> connect(MeshAddress address) {
        TransportContext ours = context;
        PipeTransport remote = world.get(address.value("pipe").orElse(""));
        TransportContext theirs = remote == null ? null : remote.context;
        if (ours == null || theirs == null) {
            return CompletableFuture.failedFuture(new TransportException("nobody at " + address));
        }
        PipeLink local = new PipeLink(this, remote.address(), ours.scheduler());
        PipeLink peer = new PipeLink(remote, address(), theirs.scheduler());
        local.other = peer;
        peer.other = local;
        links.add(local);
        remote.links.add(peer);
        theirs.incomingLink(peer);
        return CompletableFuture.completedFuture(local);
    }

    private static final class PipeLink implements Link {
        private final PipeTransport owner;
        private final MeshAddress remote;
        private final Scheduler scheduler;
        private PipeLink other;
        private final ByteArrayOutputStream assembling = new ByteArrayOutputStream();
        private final List<byte[]> early = new ArrayList<>();
        private FrameReceiver receiver;
        private boolean closed;
        private int closeCalls;
        private long sent;
        private long wireFreeAt;

        PipeLink(PipeTransport owner, MeshAddress remote, Scheduler scheduler) {
            this.owner = owner;
            this.remote = remote;
            this.scheduler = scheduler;
        }

        @Override
        public MeshAddress remoteAddress() {
            return remote;
        }

        @Override
        public LinkMode mode() {
            return LinkMode.DUPLEX;
        }

        @Override
        public int mtu() {
            return owner.mtu;
        }

        @Override
        public synchronized void start(FrameReceiver frameReceiver) {
            receiver = frameReceiver;
            for (byte[] f : early) {
                frameReceiver.frameReceived(f);
            }
            early.clear();
            if (closed) {
                deliverClose();
            }
        }

        @Override
        public synchronized CompletionStage<Void> send(byte[] frame) {
            if (closed) {
                return CompletableFuture.failedFuture(new TransportException("closed"));
            }
            if (frame.length > owner.mtu && !owner.bugs.contains(Bug.IGNORES_MTU)) {
                return CompletableFuture.failedFuture(new TransportException("above the MTU"));
            }
            int piece = owner.fragmentSize > 0 ? owner.fragmentSize : Math.max(1, frame.length);
            long now = scheduler.nanoTime();
            long start = Math.max(now, wireFreeAt);
            boolean early = owner.bugs.contains(Bug.REORDERS) && sent++ % 2 == 1;
            long base = early ? now : start + LATENCY_NANOS * 2;
            wireFreeAt = base + 1000L * frame.length;
            for (int offset = 0; offset < Math.max(1, frame.length); offset += piece) {
                byte[] chunk = Arrays.copyOfRange(frame, offset, Math.min(frame.length, offset + piece));
                boolean last = offset + piece >= frame.length;
                PipeLink target = other;
                scheduler.schedule(() -> target.piece(chunk, last), base - now + offset, TimeUnit.NANOSECONDS);
            }
            return CompletableFuture.completedFuture(null);
        }

        private synchronized void piece(byte[] chunk, boolean last) {
            if (closed) {
                return;
            }
            assembling.writeBytes(chunk);
            if (!last) {
                return;
            }
            byte[] frame = assembling.toByteArray();
            assembling.reset();
            if (receiver != null) {
                receiver.frameReceived(frame);
            } else if (!owner.bugs.contains(Bug.DROPS_BEFORE_START)) {
                early.add(frame);
            }
        }

        @Override
        public void close() {
            if (markClosed()) {
                owner.links.remove(this);
                deliverClose();
                PipeLink target = other;
                scheduler.schedule(target::remoteClosed, LATENCY_NANOS * 4, TimeUnit.NANOSECONDS);
            }
        }

        private void remoteClosed() {
            if (markClosed()) {
                owner.links.remove(this);
                deliverClose();
            }
        }

        private synchronized boolean markClosed() {
            if (closed) {
                return false;
            }
            closed = true;
            return true;
        }

        private synchronized void deliverClose() {
            if (receiver == null || closeCalls > 0) {
                return;
            }
            int times = owner.bugs.contains(Bug.CLOSES_TWICE) ? 2 : 1;
            for (int i = 0; i < times; i++) {
                closeCalls++;
                receiver.linkClosed(new IOException("closed"));
            }
        }
    }
}
