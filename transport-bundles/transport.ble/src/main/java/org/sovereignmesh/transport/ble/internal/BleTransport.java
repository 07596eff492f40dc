package org.sovereignmesh.transport.ble.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import org.sovereignmesh.api.time.Cancellable;
import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.api.transport.TransportContext;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.api.transport.TransportProfile;
import org.sovereignmesh.api.transport.TransportState;

/**
 * Bluetooth LE as a duplex transport. Every node is a GATT peripheral (it serves the mesh service and advertises it)
 * and a central (it scans, and connects to peripherals the core asks for). A link is opened by the central: it
 * connects (or reuses its connection to that peripheral), subscribes to the mesh characteristic, writes HELLO with a
 * nonce and the largest frame it accepts, and the peripheral answers WELCOME with the link's tag and its own limit;
 * the link's MTU is the smaller. Several links may share one connection (tags tell them apart). Frames are cut into
 * chunks of the connection's ATT MTU ({@link Chunks}) and reassembled within the link MTU.
 *
 * <p>Addresses: {@code /ble/<address>}, the adapter's BD_ADDR ({@code /ble/00:1a:7d:da:71:13}). The GATT stack (BlueZ
 * over D-Bus, or the simulated medium) comes from a factory; an adapter that is absent or fails makes the transport
 * UNAVAILABLE with the reason, and it tries again every retry interval. All protocol state changes run on the node's
 * scheduler.
 */
public final class BleTransport implements Transport {
    static final int HEARD_BUFFER = 1024;
    private static final Pattern BD_ADDR = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");

    private final String id;
    private final BleSettings settings;
    private final StackFactory stacks;
    private final TransportProfile profile;

    // guarded by this
    private TransportContext context;
    private GattStack stack;
    private String localAddress;
    private Cancellable retry;
    /** peripheral role: links by tag, and which central owns each */
    private final Map<Integer, BleLink> served = new HashMap<>();
    private final Map<Integer, String> servedCentral = new HashMap<>();
    private int nextTag = 1;
    /** central role: connections by peer address */
    private final Map<String, Outbound> outbound = new HashMap<>();

    /** Makes the GATT stack for one start (the scheduler is the node's). */
    @FunctionalInterface
    interface StackFactory {
        GattStack create(Scheduler scheduler);
    }

    BleTransport(String id, BleSettings settings, StackFactory stacks) {
        this.id = id;
        this.settings = settings;
        this.stacks = stacks;
        int chunk = Chunks.payloadPerChunk(settings.attMtu());
        long efficient = settings.bitrate() * chunk / (chunk + Chunks.HEADER + 3 + 4);
        this.profile = TransportProfile.builder().duplex(true).broadcast(false).lossy(false).mtu(settings.maxFrame())
                .bitrate(Math.max(1, efficient)).latency(settings.latency()).cost(0).build();
    }

    /** A BLE transport on the simulated medium (tests, simulator); {@code address} is its BD_ADDR there. */
    public static BleTransport onSimulatedMedium(String id, SimBleMedium medium, String address, int attMtu,
            int maxFrame) {
        BleSettings settings = BleSettings.defaults().withAttMtu(attMtu).withMaxFrame(maxFrame);
        settings = new BleSettings(settings.maxFrame(), settings.attMtu(), medium.bitrate(), medium.latency(),
                settings.setupTimeout(), settings.retryInterval(), settings.queueLimit());
        return new BleTransport(id, settings, scheduler -> medium.station(address, attMtu));
    }

    static MeshAddress address(String bdAddr) {
        return MeshAddress.of("ble", bdAddr.toLowerCase(Locale.ROOT));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public TransportProfile profile() {
        return profile;
    }

    @Override
    public boolean supports(MeshAddress address) {
        return address.firstProtocol().equals("ble") && address.value("ble").map(BD_ADDR::matcher)
                .map(m -> m.matches()).orElse(false);
    }

    @Override
    public synchronized void start(TransportContext newContext) throws TransportException {
        if (context != null) {
            throw new TransportException("BLE transport " + id + " is already started");
        }
        context = newContext;
        newContext.stateChanged(TransportState.STARTING, "opening the Bluetooth adapter");
        openStack();
    }

    private void openStack() {
        GattStack created = stacks.create(context.scheduler());
        stack = created;
        created.open(new GattStack.Events() {
            @Override
            public void ready(String address, String detail) {
                stackReady(created, address, detail);
            }

            @Override
            public void failed(String reason) {
                stackFailed(created, reason);
            }

            @Override
            public void discovered(String address) {
                TransportContext ctx = contextFor(created);
                if (ctx != null && !address.equalsIgnoreCase(localAddress)) {
                    ctx.neighbourDiscovered(address(address));
                }
            }

            @Override
            public void written(String central, byte[] value, int attMtu) {
                writtenByCentral(created, central, value, attMtu);
            }

            @Override
            public void centralGone(String central) {
                centralLeft(created, central, "central " + central + " disconnected");
            }
        });
    }

    private synchronized TransportContext contextFor(GattStack from) {
        return stack == from ? context : null;
    }

    private synchronized void stackReady(GattStack from, String address, String detail) {
        if (stack != from || context == null) {
            return;
        }
        localAddress = address.toLowerCase(Locale.ROOT);
        context.localAddressesChanged(List.of(address(localAddress)));
        context.stateChanged(TransportState.ACTIVE, detail);
    }

    private synchronized void stackFailed(GattStack from, String reason) {
        if (stack != from || context == null) {
            return;
        }
        shutDown(reason);
        TransportContext ctx = context;
        ctx.stateChanged(TransportState.UNAVAILABLE, reason + "; retrying every " + settings.retryInterval().toSeconds()
                + " s");
        retry = ctx.scheduler().schedule(this::retry, settings.retryInterval());
    }

    private synchronized void retry() {
        retry = null;
        if (context != null && stack == null) {
            openStack();
        }
    }

    @Override
    public synchronized void stop() {
        if (context == null) {
            return;
        }
        shutDown("BLE transport " + id + " stopped");
        context = null;
    }

    private void shutDown(String reason) {
        if (retry != null) {
            retry.cancel();
            retry = null;
        }
        IOException cause = new IOException(reason);
        for (BleLink link : new ArrayList<>(served.values())) {
            link.closeWith(cause);
        }
        served.clear();
        servedCentral.clear();
        for (Outbound o : new ArrayList<>(outbound.values())) {
            o.fail(reason);
        }
        outbound.clear();
        if (stack != null) {
            stack.close();
            stack = null;
        }
        localAddress = null;
    }

    // ------------------------------------------------------------------ central role

    @Override
    public synchronized CompletionStage<Link> connect(MeshAddress address) {
        if (context == null || stack == null || localAddress == null) {
            return CompletableFuture.failedFuture(new TransportException("BLE transport " + id + " is not up"));
        }
        if (!supports(address)) {
            return CompletableFuture.failedFuture(new TransportException(id + " does not support " + address));
        }
        String peer = address.value("ble").orElseThrow().toLowerCase(Locale.ROOT);
        if (peer.equals(localAddress)) {
            return CompletableFuture.failedFuture(new TransportException("BLE transport " + id
                    + " cannot connect to itself"));
        }
        Outbound o = outbound.get(peer);
        if (o == null) {
            o = new Outbound(peer, stack, context.scheduler());
            outbound.put(peer, o);
            o.open();
        }
        return o.newLink();
    }

    /** A GATT connection this node opened, shared by its links to that peripheral. */
    private final class Outbound implements GattStack.Notifications {
        final String peer;
        final GattStack via;
        final Scheduler scheduler;
        final Map<Integer, BleLink> links = new HashMap<>();
        final Map<Integer, Hello> hellos = new HashMap<>();
        GattStack.Connection connection;
        boolean failed;

        Outbound(String peer, GattStack via, Scheduler scheduler) {
            this.peer = peer;
            this.via = via;
            this.scheduler = scheduler;
        }

        void open() {
            via.connect(peer, this).whenComplete((c, error) -> scheduler.execute(() -> opened(c, error)));
        }

        private void opened(GattStack.Connection c, Throwable error) {
            synchronized (BleTransport.this) {
                if (failed || outbound.get(peer) != this) {
                    if (c != null) {
                        c.disconnect();
                    }
                    return;
                }
                if (error != null) {
                    fail("BLE connection to " + peer + " failed: " + message(error));
                    return;
                }
                connection = c;
                for (Hello h : hellos.values()) {
                    sendHello(h);
                }
            }
        }

        CompletableFuture<Link> newLink() {
            int nonce;
            do {
                nonce = ThreadLocalRandom.current().nextInt();
            } while (hellos.containsKey(nonce));
            Hello h = new Hello(nonce);
            hellos.put(nonce, h);
            int n = nonce;
            h.timeout = scheduler.schedule(() -> helloTimedOut(n), settings.setupTimeout());
            if (connection != null) {
                sendHello(h);
            }
            return h.done;
        }

        private void sendHello(Hello h) {
            if (h.sent) {
                return;
            }
            h.sent = true;
            connection.write(Chunks.control(0, Chunks.HELLO, h.nonce, settings.maxFrame()))
                    .whenComplete((ok, error) -> {
                        if (error != null) {
                            scheduler.execute(() -> {
                                synchronized (BleTransport.this) {
                                    fail("HELLO to " + peer + " failed: " + message(error));
                                }
                            });
                        }
                    });
        }

        private void helloTimedOut(int nonce) {
            synchronized (BleTransport.this) {
                Hello h = hellos.remove(nonce);
                if (h != null) {
                    h.done.completeExceptionally(new TransportException("BLE peer " + peer + " did not welcome a link "
                            + "within " + settings.setupTimeout().toSeconds() + " s"));
                    releaseIfIdle();
                }
            }
        }

        @Override
        public void notified(byte[] value) {
            scheduler.execute(() -> handleNotification(value));
        }

        private void handleNotification(byte[] value) {
            BleLink target;
            synchronized (BleTransport.this) {
                if (failed || value.length < Chunks.HEADER) {
                    return;
                }
                if (Chunks.isControl(value)) {
                    Chunks.Control c = Chunks.Control.parse(value);
                    if (c == null) {
                        return;
                    }
                    if (c.code() == Chunks.WELCOME) {
                        welcomed(c);
                    } else if (c.code() == Chunks.CLOSE) {
                        BleLink link = links.remove(c.tag());
                        if (link != null) {
                            link.closeWith(new IOException("closed by " + peer));
                            releaseIfIdle();
                        }
                    }
                    return;
                }
                target = links.get(Chunks.tag(value));
            }
            if (target != null) {
                target.received(value);
            }
        }

        private void welcomed(Chunks.Control c) {
            Hello h = hellos.remove(c.nonce());
            if (h == null || connection == null) {
                return;
            }
            h.timeout.cancel();
            if (c.tag() == 0 || links.containsKey(c.tag())) {
                h.done.completeExceptionally(new TransportException("BLE peer " + peer + " welcomed with a bad tag "
                        + c.tag()));
                return;
            }
            int mtu = Math.min(settings.maxFrame(), c.maxFrame());
            if (mtu < TransportProfile.MIN_MTU) {
                h.done.completeExceptionally(new TransportException("BLE peer " + peer + " accepts frames of only "
                        + c.maxFrame() + " bytes"));
                return;
            }
            GattStack.Connection conn = connection;
            BleLink link = new BleLink(address(peer), c.tag(), mtu, conn.attMtu(), scheduler, conn::write,
                    settings.queueLimit(), HEARD_BUFFER);
            int tag = c.tag();
            link.onClose(() -> {
                synchronized (BleTransport.this) {
                    if (links.remove(tag) != null && !failed) {
                        conn.write(Chunks.control(tag, Chunks.CLOSE, 0, 0));
                        releaseIfIdle();
                    }
                }
            });
            links.put(tag, link);
            h.done.complete(link);
        }

        @Override
        public void disconnected(String reason) {
            scheduler.execute(() -> {
                synchronized (BleTransport.this) {
                    if (outbound.get(peer) == this) {
                        fail("BLE connection to " + peer + " lost: " + reason);
                    }
                }
            });
        }

        /** Disconnects once no link and no pending link needs the connection. */
        private void releaseIfIdle() {
            if (links.isEmpty() && hellos.isEmpty() && !failed) {
                failed = true;
                outbound.remove(peer, this);
                if (connection != null) {
                    GattStack.Connection c = connection;
                    // let a CLOSE just written leave before the connection goes
                    scheduler.schedule(c::disconnect, Duration.ofMillis(settings.latency().toMillis() * 4 + 1));
                }
            }
        }

        void fail(String reason) {
            if (failed) {
                return;
            }
            failed = true;
            outbound.remove(peer, this);
            IOException cause = new IOException(reason);
            for (BleLink link : new ArrayList<>(links.values())) {
                link.closeWith(cause);
            }
            links.clear();
            for (Hello h : new ArrayList<>(hellos.values())) {
                h.timeout.cancel();
                h.done.completeExceptionally(new TransportException(reason));
            }
            hellos.clear();
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    private static final class Hello {
        final int nonce;
        final CompletableFuture<Link> done = new CompletableFuture<>();
        Cancellable timeout;
        boolean sent;

        Hello(int nonce) {
            this.nonce = nonce;
        }
    }

    // ------------------------------------------------------------------ peripheral role

    private void writtenByCentral(GattStack from, String central, byte[] value, int attMtu) {
        BleLink target;
        synchronized (this) {
            if (stack != from || context == null || value.length < Chunks.HEADER) {
                return;
            }
            if (Chunks.isControl(value)) {
                Chunks.Control c = Chunks.Control.parse(value);
                if (c == null) {
                    return;
                }
                if (c.code() == Chunks.HELLO) {
                    hello(central, c, attMtu);
                } else if (c.code() == Chunks.CLOSE && central.equals(servedCentral.get(c.tag()))) {
                    BleLink link = served.remove(c.tag());
                    servedCentral.remove(c.tag());
                    link.closeWith(new IOException("closed by " + central));
                }
                return;
            }
            int tag = Chunks.tag(value);
            target = central.equals(servedCentral.get(tag)) ? served.get(tag) : null;
        }
        if (target != null) {
            target.received(value);
        }
    }

    private void hello(String central, Chunks.Control c, int attMtu) {
        int mtu = Math.min(settings.maxFrame(), c.maxFrame());
        int tag = freeTag();
        if (tag == 0 || mtu < TransportProfile.MIN_MTU) {
            return;
        }
        GattStack via = stack;
        BleLink link = new BleLink(address(central), tag, mtu, attMtu, context.scheduler(), via::notifyCentrals,
                settings.queueLimit(), HEARD_BUFFER);
        link.onClose(() -> {
            synchronized (BleTransport.this) {
                if (served.remove(tag) != null) {
                    servedCentral.remove(tag);
                    if (stack == via) {
                        via.notifyCentrals(Chunks.control(tag, Chunks.CLOSE, 0, 0));
                    }
                }
            }
        });
        served.put(tag, link);
        servedCentral.put(tag, central);
        via.notifyCentrals(Chunks.control(tag, Chunks.WELCOME, c.nonce(), settings.maxFrame()));
        context.incomingLink(link);
    }

    private int freeTag() {
        for (int i = 0; i < 255; i++) {
            int tag = nextTag;
            nextTag = nextTag == 255 ? 1 : nextTag + 1;
            if (!served.containsKey(tag)) {
                return tag;
            }
        }
        return 0;
    }

    private synchronized void centralLeft(GattStack from, String central, String reason) {
        if (stack != from) {
            return;
        }
        IOException cause = new IOException(reason);
        for (Map.Entry<Integer, String> e : new ArrayList<>(servedCentral.entrySet())) {
            if (e.getValue().equals(central)) {
                servedCentral.remove(e.getKey());
                BleLink link = served.remove(e.getKey());
                if (link != null) {
                    link.closeWith(cause);
                }
            }
        }
    }

    private static String message(Throwable t) {
        Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }
}
