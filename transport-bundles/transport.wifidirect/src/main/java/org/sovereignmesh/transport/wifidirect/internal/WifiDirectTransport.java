package org.sovereignmesh.transport.wifidirect.internal;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
import org.sovereignmesh.transport.netty.internal.StreamTransport;

/**
 * Wi-Fi Direct: discovery and group formation through wpa_supplicant's P2P control interface, frames over TCP once a
 * group is up.
 *
 * <p>Control plane ({@link WpaControl}): {@code PING}, {@code ATTACH} (events), {@code STATUS} (this device's P2P
 * address, reported as {@code /wifidirect/<address>}), {@code P2P_FIND} every find interval; every
 * {@code P2P-DEVICE-FOUND} is reported as a neighbour {@code /wifidirect/<p2p_dev_addr>}. With
 * {@code autonomousGroup} the node forms a group of its own at start ({@code P2P_GROUP_ADD}). Connecting to
 * {@code /wifidirect/<peer>} runs {@code P2P_CONNECT <peer> pbc go_intent=<n>}; when {@code P2P-GROUP-STARTED}
 * follows and this node is the client, the link is opened to the group owner's IP address ({@code go_ip_addr}, from
 * wpa_supplicant's IP allocation in the EAPOL handshake) on the data-plane port; when it is the owner, the peer opens
 * the link and the connect attempt ends saying so.
 *
 * <p>Data plane ({@link StreamTransport}, the TCP transport's code): listens on the group interface's address while
 * the group exists and reports {@code /ip4/<a>/tcp/<port>} (or {@code /ip6/...}) as local addresses, so LAN discovery
 * on that interface and explicit connects reach it; {@code P2P-GROUP-REMOVED} closes it and its links.
 *
 * <p>With no control socket (no Wi-Fi hardware, wpa_supplicant not running or without {@code ctrl_interface}) the
 * transport is UNAVAILABLE with the reason and tries again every retry interval.
 */
public final class WifiDirectTransport implements Transport {
    private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");

    private final String id;
    private final WifiDirectSettings settings;
    private final TransportProfile profile;

    // guarded by this
    private TransportContext context;
    private WpaControl control;
    private int generation;
    private String ownDevice;
    private Group group;
    private Cancellable retry;
    private Cancellable finder;
    private final Map<String, Pending> pending = new HashMap<>();

    WifiDirectTransport(String id, WifiDirectSettings settings) {
        this.id = id;
        this.settings = settings;
        this.profile = TransportProfile.builder().duplex(true).broadcast(false).lossy(false)
                .mtu(settings.dataPlane().mtu).bitrate(50_000_000L).latency(Duration.ofMillis(3)).cost(0).build();
    }

    private record Group(String iface, String reported, String role, String goDevice, String goIp, StreamTransport dataPlane,
            List<MeshAddress> addresses) {
    }

    private static final class Pending {
        final CompletableFuture<Link> done = new CompletableFuture<>();
        Cancellable timeout;
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
    public synchronized boolean supports(MeshAddress address) {
        if (address.firstProtocol().equals("wifidirect")) {
            return address.value("wifidirect").map(v -> MAC.matcher(v.toLowerCase(Locale.ROOT)).matches())
                    .orElse(false);
        }
        return group != null && group.dataPlane.supports(address);
    }

    // ------------------------------------------------------------------ control plane

    @Override
    public synchronized void start(TransportContext newContext) throws TransportException {
        if (context != null) {
            throw new TransportException("Wi-Fi Direct transport " + id + " is already started");
        }
        context = newContext;
        newContext.stateChanged(TransportState.STARTING, "connecting to wpa_supplicant at "
                + settings.controlSocket());
        openControl();
    }

    private void openControl() {
        int gen = ++generation;
        Scheduler scheduler = context.scheduler();
        Thread opener = new Thread(() -> {
            WpaControl opened;
            try {
                opened = WpaControl.open(scheduler, settings.controlSocket(), settings.clientDir(),
                        settings.replyTimeout(), event -> event(gen, event));
            } catch (IOException | RuntimeException | LinkageError e) {
                String reason = e.getMessage() + (e instanceof IOException && e.getMessage() != null
                        && e.getMessage().startsWith("no wpa_supplicant") ? " (no Wi-Fi device with P2P, or "
                        + "wpa_supplicant not running with ctrl_interface=" + settings.controlDir() + ")" : "");
                scheduler.execute(() -> unavailable(gen, reason));
                return;
            }
            scheduler.execute(() -> controlOpened(gen, opened));
        }, "mesh-wifidirect-open-" + id);
        opener.setDaemon(true);
        opener.start();
    }

    private synchronized void controlOpened(int gen, WpaControl opened) {
        if (gen != generation || context == null) {
            opened.close();
            return;
        }
        control = opened;
        expect(opened, "PING", "PONG")
                .thenCompose(ok -> expect(opened, "ATTACH", "OK"))
                .thenCompose(ok -> opened.request("STATUS"))
                .thenCompose(status -> {
                    String device = keyValue(status, "p2p_device_address");
                    if (device == null) {
                        return CompletableFuture.failedFuture(new IOException(settings.controlIface()
                                + " has no P2P: STATUS shows no p2p_device_address"));
                    }
                    return expect(opened, "P2P_FIND", "OK").thenApply(ok -> device);
                })
                .whenComplete((device, error) -> context().scheduler().execute(() -> {
                    if (error != null) {
                        unavailable(gen, "wpa_supplicant " + settings.controlSocket() + ": " + message(error));
                    } else {
                        up(gen, device.toLowerCase(Locale.ROOT));
                    }
                }));
    }

    private synchronized TransportContext context() {
        return context;
    }

    private static CompletionStage<String> expect(WpaControl c, String command, String reply) {
        return c.request(command).thenCompose(r -> r.strip().equals(reply) ? CompletableFuture.completedFuture(r)
                : CompletableFuture.failedFuture(new IOException(command + " answered '" + r.strip() + "'")));
    }

    private synchronized void up(int gen, String device) {
        if (gen != generation || context == null) {
            return;
        }
        ownDevice = device;
        publishAddresses();
        String detail = "wpa_supplicant " + settings.controlIface() + ", P2P device " + device;
        // a node that forms its own group is up once the group is
        context.stateChanged(settings.autonomousGroup() ? TransportState.STARTING : TransportState.ACTIVE,
                settings.autonomousGroup() ? detail + ", forming a group" : detail);
        if (!settings.findInterval().isZero()) {
            WpaControl c = control;
            finder = context.scheduler().scheduleAtFixedRate(() -> c.request("P2P_FIND"),
                    settings.findInterval().toNanos(), settings.findInterval().toNanos(),
                    java.util.concurrent.TimeUnit.NANOSECONDS);
        }
        if (settings.autonomousGroup()) {
            int g = gen;
            control.request("P2P_GROUP_ADD").whenComplete((r, e) -> {
                if (e != null || !"OK".equals(r == null ? null : r.strip())) {
                    degraded(g, "P2P_GROUP_ADD failed: " + (e != null ? message(e) : r.strip()));
                }
            });
        }
    }

    private synchronized void degraded(int gen, String detail) {
        if (gen == generation && context != null) {
            context.stateChanged(TransportState.DEGRADED, detail);
        }
    }

    private synchronized void unavailable(int gen, String reason) {
        if (gen != generation || context == null) {
            return;
        }
        shutDown(reason);
        context.localAddressesChanged(List.of());
        context.stateChanged(TransportState.UNAVAILABLE, reason + "; retrying every "
                + settings.retryInterval().toSeconds() + " s");
        retry = context.scheduler().schedule(this::retry, settings.retryInterval());
    }

    private synchronized void retry() {
        retry = null;
        if (context != null && control == null) {
            openControl();
        }
    }

    private void event(int gen, String line) {
        P2pEvent e = P2pEvent.parse(line);
        synchronized (this) {
            if (gen != generation || context == null) {
                return;
            }
            switch (e.name()) {
                case "P2P-DEVICE-FOUND" -> {
                    String device = e.value("p2p_dev_addr") != null ? e.value("p2p_dev_addr") : e.word(0);
                    if (device != null && MAC.matcher(device.toLowerCase(Locale.ROOT)).matches()
                            && !device.equalsIgnoreCase(ownDevice)) {
                        context.neighbourDiscovered(MeshAddress.of("wifidirect", device.toLowerCase(Locale.ROOT)));
                    }
                }
                case "P2P-GROUP-STARTED" -> groupStarted(e);
                case "P2P-GROUP-REMOVED" -> {
                    if (group != null && group.reported.equals(e.word(0))) {
                        closeGroup("group " + e.word(0) + " removed (" + e.value("reason") + ")");
                        publishAddresses();
                    }
                }
                case "P2P-GO-NEG-FAILURE", "P2P-GROUP-FORMATION-FAILURE" -> failPending(line);
                case "CTRL-EVENT-TERMINATING" -> unavailable(gen, "wpa_supplicant terminated");
                default -> {
                }
            }
        }
    }

    // ------------------------------------------------------------------ groups and the data plane

    private String groupIface(String reported) {
        return settings.groupInterface().isEmpty() ? reported : settings.groupInterface();
    }

    private void groupStarted(P2pEvent e) {
        String reported = e.word(0);
        String role = e.word(1);
        if (reported == null || role == null) {
            return;
        }
        if (group != null) {
            closeGroup("group " + group.iface + " replaced by " + reported);
        }
        String iface = groupIface(reported);
        String host = e.value("ip_addr") != null && settings.groupInterface().isEmpty() ? e.value("ip_addr")
                : addressOf(iface);
        if (host == null) {
            context.stateChanged(TransportState.DEGRADED, "group " + iface + " is up but has no IP address yet");
            return;
        }
        StreamTransport plane = new StreamTransport(id, settings.dataPlane().withListen(host,
                settings.dataPlane().port), profile);
        List<MeshAddress> planeAddresses = new ArrayList<>();
        try {
            plane.start(new DataPlaneContext(plane, planeAddresses));
        } catch (TransportException ex) {
            context.stateChanged(TransportState.DEGRADED, "group " + iface + " is up but its data plane failed: "
                    + ex.getMessage());
            return;
        }
        String goDevice = e.value("go_dev_addr") == null ? null : e.value("go_dev_addr").toLowerCase(Locale.ROOT);
        group = new Group(iface, reported, role, goDevice, e.value("go_ip_addr"), plane, planeAddresses);
        publishAddresses();
        context.stateChanged(TransportState.ACTIVE, "group " + iface + " up as " + role + ", frames on "
                + planeAddresses);
        for (Map.Entry<String, Pending> p : new ArrayList<>(pending.entrySet())) {
            if ("client".equals(role) && p.getKey().equals(goDevice) && group.goIp != null) {
                pending.remove(p.getKey());
                p.getValue().timeout.cancel();
                linkToOwner(p.getValue().done);
            } else if ("GO".equals(role)) {
                pending.remove(p.getKey());
                p.getValue().timeout.cancel();
                p.getValue().done.completeExceptionally(new TransportException("this node became owner of group "
                        + iface + "; " + p.getKey() + " joins it and opens the link"));
            }
        }
    }

    private void linkToOwner(CompletableFuture<Link> done) {
        MeshAddress owner = MeshAddress.parse((group.goIp.contains(":") ? "/ip6/" : "/ip4/") + group.goIp + "/tcp/"
                + settings.dataPlane().port);
        group.dataPlane.connect(owner).whenComplete((link, error) -> {
            if (error != null) {
                done.completeExceptionally(error);
            } else {
                done.complete(link);
            }
        });
    }

    /** @return an address of {@code iface} to listen on: IPv4 first, else IPv6 (link-local with its scope) */
    static String addressOf(String iface) {
        try {
            NetworkInterface ni = NetworkInterface.getByName(iface);
            if (ni == null || !ni.isUp()) {
                return null;
            }
            String v6 = null;
            for (Enumeration<InetAddress> e = ni.getInetAddresses(); e.hasMoreElements();) {
                InetAddress a = e.nextElement();
                if (a instanceof Inet4Address) {
                    return a.getHostAddress();
                }
                if (a instanceof Inet6Address && v6 == null) {
                    v6 = a.getHostAddress();
                }
            }
            return v6;
        } catch (SocketException e) {
            return null;
        }
    }

    private void closeGroup(String reason) {
        Group old = group;
        group = null;
        if (old != null) {
            old.dataPlane.stop();
        }
    }

    private void publishAddresses() {
        List<MeshAddress> all = new ArrayList<>();
        if (group != null) {
            all.addAll(group.addresses);
        }
        if (ownDevice != null) {
            all.add(MeshAddress.of("wifidirect", ownDevice));
        }
        context.localAddressesChanged(all);
    }

    /** What the data plane reports goes to the core as this transport's. */
    private final class DataPlaneContext implements TransportContext {
        private final StreamTransport plane;
        private final List<MeshAddress> addresses;

        DataPlaneContext(StreamTransport plane, List<MeshAddress> addresses) {
            this.plane = plane;
            this.addresses = addresses;
        }

        private TransportContext outer() {
            synchronized (WifiDirectTransport.this) {
                return context != null && (group == null || group.dataPlane == plane) ? context : null;
            }
        }

        @Override
        public Scheduler scheduler() {
            synchronized (WifiDirectTransport.this) {
                return context != null ? context.scheduler() : null;
            }
        }

        @Override
        public void incomingLink(Link link) {
            TransportContext outer = outer();
            if (outer == null) {
                link.close();
            } else {
                outer.incomingLink(link);
            }
        }

        @Override
        public void neighbourDiscovered(MeshAddress address) {
            TransportContext outer = outer();
            if (outer != null) {
                outer.neighbourDiscovered(address);
            }
        }

        @Override
        public void stateChanged(TransportState state, String detail) {
            // the transport's state is the control plane's; the data plane only adds addresses
        }

        @Override
        public void localAddressesChanged(List<MeshAddress> list) {
            synchronized (WifiDirectTransport.this) {
                addresses.clear();
                addresses.addAll(list);
            }
        }
    }

    // ------------------------------------------------------------------ links

    @Override
    public synchronized CompletionStage<Link> connect(MeshAddress address) {
        if (context == null || control == null || ownDevice == null) {
            return CompletableFuture.failedFuture(new TransportException("Wi-Fi Direct transport " + id + " is not up"));
        }
        if (!address.firstProtocol().equals("wifidirect")) {
            if (group == null) {
                return CompletableFuture.failedFuture(new TransportException("no Wi-Fi Direct group is up to reach "
                        + address));
            }
            return group.dataPlane.connect(address);
        }
        if (!supports(address)) {
            return CompletableFuture.failedFuture(new TransportException("not a P2P device address: " + address));
        }
        String peer = address.value("wifidirect").orElseThrow().toLowerCase(Locale.ROOT);
        if (group != null && "client".equals(group.role) && peer.equals(group.goDevice) && group.goIp != null) {
            CompletableFuture<Link> done = new CompletableFuture<>();
            linkToOwner(done);
            return done;
        }
        if (pending.containsKey(peer)) {
            return CompletableFuture.failedFuture(new TransportException("group formation with " + peer
                    + " already under way"));
        }
        Pending p = new Pending();
        pending.put(peer, p);
        p.timeout = context.scheduler().schedule(() -> pendingTimedOut(peer, p), settings.setupTimeout());
        control.request("P2P_CONNECT " + peer + " pbc go_intent=" + settings.goIntent()).whenComplete((r, e) -> {
            String reply = r == null ? null : r.strip();
            if (e != null || !"OK".equals(reply)) {
                synchronized (this) {
                    if (pending.remove(peer, p)) {
                        p.timeout.cancel();
                    }
                }
                p.done.completeExceptionally(new TransportException("P2P_CONNECT " + peer + " failed: "
                        + (e != null ? message(e) : reply)));
            }
        });
        return p.done;
    }

    private synchronized void pendingTimedOut(String peer, Pending p) {
        if (pending.remove(peer, p)) {
            p.done.completeExceptionally(new TransportException("no Wi-Fi Direct group with " + peer + " within "
                    + settings.setupTimeout().toSeconds() + " s"));
        }
    }

    private void failPending(String why) {
        for (Pending p : pending.values()) {
            p.timeout.cancel();
            p.done.completeExceptionally(new TransportException("group formation failed: " + why));
        }
        pending.clear();
    }

    // ------------------------------------------------------------------ stop

    @Override
    public synchronized void stop() {
        if (context == null) {
            return;
        }
        shutDown("Wi-Fi Direct transport " + id + " stopped");
        context = null;
    }

    private void shutDown(String reason) {
        generation++;
        if (retry != null) {
            retry.cancel();
            retry = null;
        }
        if (finder != null) {
            finder.cancel();
            finder = null;
        }
        failPending(reason);
        String groupIface = group == null ? null : group.reported;
        closeGroup(reason);
        WpaControl old = control;
        control = null;
        ownDevice = null;
        if (old != null) {
            CompletionStage<String> last = old.request("P2P_STOP_FIND");
            if (settings.autonomousGroup() && groupIface != null) {
                last = last.thenCompose(r -> old.request("P2P_GROUP_REMOVE " + groupIface));
            }
            last.thenCompose(r -> old.request("DETACH")).whenComplete((r, e) -> old.close());
        }
    }

    private static String message(Throwable t) {
        Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }

    /** @return the value of {@code key=value} line {@code key} in a multi-line reply */
    static String keyValue(String reply, String key) {
        for (String line : reply.split("\n")) {
            if (line.startsWith(key + "=")) {
                return line.substring(key.length() + 1).strip();
            }
        }
        return null;
    }
}
