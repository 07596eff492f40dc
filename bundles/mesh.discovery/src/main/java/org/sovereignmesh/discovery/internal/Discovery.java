package org.sovereignmesh.discovery.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.time.Cancellable;
import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.LinkInfo;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.TransportInfo;
import org.sovereignmesh.api.transport.TransportManager;
import org.sovereignmesh.api.transport.TransportState;

/**
 * Finds neighbours and connects to them through the {@link TransportManager}: LAN announcements (what this node
 * sends and what it hears), seed addresses, and the peer cache. Plain Java, confined to its {@link Scheduler}; the
 * OSGi component and tests feed it announcements through {@link #received}.
 *
 * <p>Hostile input costs bounded work: announcements are rate-limited in total and per sender and peer, decoded
 * within fixed bounds, and only addresses with the sender's own IP are dialled (a spoofed announcement cannot turn
 * the node against a third party, and the {@code /p2p/} check refuses an impostor). Of two nodes that hear each
 * other, the one with the smaller peer id dials; the other waits a grace period first, so a pair usually ends up
 * with one link per transport, not two.
 */
final class Discovery {
    private static final System.Logger LOG = System.getLogger(Discovery.class.getName());
    static final int MAX_PEERS = 256;
    static final int MAX_SOURCES = 256;
    static final int MAX_ATTEMPTS = 1024;
    /** Announcements processed per second over all sources (a burst of twice that is allowed). */
    static final int ANNOUNCEMENTS_PER_SECOND = 20;
    static final int CACHE_ATTEMPTS = 3;
    private static final Set<String> HOSTS = Set.of("ip4", "ip6");

    /** Sends one announcement datagram. */
    interface Announcer {
        void send(byte[] datagram);
    }

    private final Scheduler scheduler;
    private final PeerId self;
    private final TransportManager manager;
    private final DiscoverySettings settings;
    private final PeerCache cache;
    private final Announcer announcer;
    private final Random random;
    private final Backoff backoff;

    // scheduler-confined
    private final Map<PeerId, Long> firstHeard = bounded(MAX_PEERS);
    private final Map<String, Long> lastFromSource = bounded(MAX_SOURCES);
    private final Map<String, Attempt> attempts = bounded(MAX_ATTEMPTS);
    private final List<Target> targets = new ArrayList<>();
    private final LinkedHashSet<MeshAddress> working = new LinkedHashSet<>();
    private boolean cacheDirty;
    private long lastCacheSaveNanos;
    private double tokens = ANNOUNCEMENTS_PER_SECOND * 2;
    private long tokensAtNanos;
    private final List<Cancellable> timers = new ArrayList<>();
    private boolean stopped;
    long announcementsIgnored;

    /**
     * @param cache where working peers are kept, or {@code null} for none
     * @param announcer sends announcements, or {@code null} when multicast is off
     */
    Discovery(Scheduler scheduler, PeerId self, TransportManager manager, DiscoverySettings settings, PeerCache cache,
            Announcer announcer, Random random) {
        this.scheduler = scheduler;
        this.self = self;
        this.manager = manager;
        this.settings = settings;
        this.cache = cache;
        this.announcer = announcer;
        this.random = random;
        this.backoff = new Backoff(settings.firstRetry, settings.maxRetry, random);
    }

    void start() {
        scheduler.execute(() -> {
            tokensAtNanos = scheduler.nanoTime();
            for (MeshAddress seed : settings.seeds) {
                targets.add(new Target(seed, Integer.MAX_VALUE, "seed"));
            }
            if (cache != null) {
                try {
                    for (MeshAddress cached : cache.load()) {
                        working.add(cached);
                        if (settings.seeds.stream().noneMatch(s -> s.withoutPeer().equals(cached.withoutPeer()))) {
                            targets.add(new Target(cached, CACHE_ATTEMPTS, "cached peer"));
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.WARNING, "cannot read the peer cache: {0}", String.valueOf(e));
                }
            }
            timers.add(scheduler.scheduleAtFixedRate(this::tick, 0, 1, TimeUnit.SECONDS));
            if (announcer != null) {
                announceAndReschedule();
            }
        });
    }

    void stop() {
        scheduler.execute(() -> {
            stopped = true;
            timers.forEach(Cancellable::cancel);
            timers.clear();
            saveCache();
        });
    }

    /** An announcement datagram arrived; any thread. */
    void received(InetAddress source, byte[] data, int length) {
        scheduler.execute(() -> handle(source, data, length));
    }

    // ------------------------------------------------------------------ announcements

    private void announceAndReschedule() {
        if (stopped) {
            return;
        }
        List<MeshAddress> addresses = new ArrayList<>();
        for (TransportInfo t : manager.transports()) {
            if (usable(t.state())) {
                for (MeshAddress a : t.localAddresses()) {
                    if (HOSTS.contains(a.firstProtocol())) {
                        addresses.add(a);
                    }
                }
            }
        }
        if (!addresses.isEmpty()) {
            announcer.send(new Announcement(self, addresses).encode());
        }
        long base = settings.interval.toMillis();
        long jittered = Math.round(base * (0.8 + 0.4 * random.nextDouble()));
        timers.add(scheduler.schedule(this::announceAndReschedule, jittered, TimeUnit.MILLISECONDS));
    }

    private void handle(InetAddress source, byte[] data, int length) {
        if (stopped) {
            return;
        }
        long now = scheduler.nanoTime();
        if (!withinBudget(now)) {
            announcementsIgnored++;
            return;
        }
        Announcement announcement;
        try {
            announcement = Announcement.decode(data, length);
        } catch (IllegalArgumentException e) {
            ignore(source, e.getMessage());
            return;
        }
        if (announcement.peer.equals(self)) {
            return;
        }
        if (!spaced(source, announcement.peer, now)) {
            announcementsIgnored++;
            return;
        }
        List<MeshAddress> dialable = new ArrayList<>();
        for (MeshAddress address : announcement.addresses) {
            if (fromSender(address, source, announcement.peer)) {
                dialable.add(address.withoutPeer());
            }
        }
        if (dialable.isEmpty()) {
            ignore(source, "no address of the sender's own IP among " + announcement.addresses);
            return;
        }
        long heard = firstHeard.computeIfAbsent(announcement.peer, p -> now);
        boolean weDial = self.compareTo(announcement.peer) < 0
                || now - heard >= settings.interval.multipliedBy(5).dividedBy(2).toNanos();
        if (!weDial) {
            return;
        }
        List<TransportInfo> transports = manager.transports();
        List<LinkInfo> links = manager.links();
        for (MeshAddress address : dialable) {
            String transportId = localTransportFor(address, transports);
            if (transportId != null && !linked(links, announcement.peer, transportId)) {
                dial("announced " + announcement.peer + " " + transportId, address.withPeer(announcement.peer),
                        Integer.MAX_VALUE);
            }
        }
    }

    private void ignore(InetAddress source, String why) {
        announcementsIgnored++;
        LOG.log(Level.DEBUG, "ignoring announcement from {0}: {1}", source.getHostAddress(), why);
    }

    /** A token bucket over all sources: what announcements may cost in total, checked before decoding. */
    private boolean withinBudget(long now) {
        tokens = Math.min(ANNOUNCEMENTS_PER_SECOND * 2.0,
                tokens + (now - tokensAtNanos) / 1e9 * ANNOUNCEMENTS_PER_SECOND);
        tokensAtNanos = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    /**
     * At most one announcement per quarter interval from one sender IP for one peer (several nodes on one machine
     * share an IP and even the source port, so the peer is part of the key).
     */
    private boolean spaced(InetAddress source, PeerId peer, long now) {
        String key = source.getHostAddress() + " " + peer;
        Long last = lastFromSource.get(key);
        if (last != null && now - last < settings.interval.dividedBy(4).toNanos()) {
            return false;
        }
        lastFromSource.put(key, now);
        return true;
    }

    /** Whether {@code address} is an IP address equal to the datagram's source, with no other peer in it. */
    private static boolean fromSender(MeshAddress address, InetAddress source, PeerId announced) {
        if (!HOSTS.contains(address.firstProtocol())) {
            return false;
        }
        try {
            Optional<PeerId> named = address.peer();
            if (named.isPresent() && !named.get().equals(announced)) {
                return false;
            }
            String host = address.value(address.firstProtocol()).orElse("");
            boolean literal = address.firstProtocol().equals("ip4") ? host.matches("[0-9.]+") : host.contains(":");
            return literal && InetAddress.getByName(host).equals(source);
        } catch (IllegalArgumentException | UnknownHostException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ seeds, cache, dialling

    private void tick() {
        if (stopped) {
            return;
        }
        List<LinkInfo> links = null;
        for (Target target : new ArrayList<>(targets)) {
            if (links == null) {
                links = manager.links();
            }
            PeerId peer = target.peer();
            boolean connected = peer != null && links.stream().anyMatch(
                    l -> l.state() == LinkInfo.State.ESTABLISHED && l.peer().map(peer::equals).orElse(false));
            if (!connected) {
                Attempt attempt = dial(target.kind + " " + target.address, target.address, target.maxFailures);
                if (attempt != null && attempt.failures >= target.maxFailures) {
                    targets.remove(target);
                }
            }
        }
        learnWorkingLinks(links == null ? manager.links() : links);
        if (cacheDirty && scheduler.nanoTime() - lastCacheSaveNanos >= Duration.ofSeconds(10).toNanos()) {
            saveCache();
        }
    }

    /** Starts a connect for {@code key} unless one is running or backing off; returns its attempt record. */
    private Attempt dial(String key, MeshAddress address, int maxFailures) {
        Attempt attempt = attempts.computeIfAbsent(key, k -> new Attempt());
        long now = scheduler.nanoTime();
        if (attempt.inFlight || now < attempt.notBeforeNanos || attempt.failures >= maxFailures) {
            return attempt;
        }
        attempt.inFlight = true;
        attempt.dialled++;
        LOG.log(Level.DEBUG, "connecting to {0} ({1})", address, key);
        manager.connect(address).whenComplete((link, error) -> scheduler.execute(() -> {
            attempt.inFlight = false;
            if (error == null) {
                attempt.failures = 0;
                attempt.notBeforeNanos = 0;
                attempt.peer = link.peer().orElse(null);
                if (link.peer().isPresent()) {
                    remember(address.withPeer(link.peer().get()));
                }
                LOG.log(Level.INFO, "discovery: linked to {0} via {1}", address, link.transportId());
            } else {
                Duration delay = backoff.delay(attempt.failures);
                attempt.failures++;
                attempt.notBeforeNanos = scheduler.nanoTime() + delay.toNanos();
                LOG.log(Level.DEBUG, "discovery: {0} failed ({1}); next try in {2} ms", key,
                        String.valueOf(error.getMessage()), Long.toString(delay.toMillis()));
            }
        }));
        return attempt;
    }

    private void learnWorkingLinks(List<LinkInfo> links) {
        for (LinkInfo l : links) {
            if (l.outbound() && l.state() == LinkInfo.State.ESTABLISHED && l.peer().isPresent()
                    && HOSTS.contains(l.remoteAddress().firstProtocol())) {
                remember(l.remoteAddress().withPeer(l.peer().get()));
            }
        }
    }

    private void remember(MeshAddress address) {
        if (working.isEmpty() || !working.iterator().next().equals(address)) {
            working.remove(address);
            LinkedHashSet<MeshAddress> reordered = new LinkedHashSet<>();
            reordered.add(address);
            reordered.addAll(working);
            working.clear();
            working.addAll(reordered);
            while (working.size() > FilePeerCache.MAX_ENTRIES) {
                MeshAddress last = null;
                for (MeshAddress a : working) {
                    last = a;
                }
                working.remove(last);
            }
            cacheDirty = true;
        }
    }

    private void saveCache() {
        if (cache == null || !cacheDirty) {
            return;
        }
        try {
            cache.save(new ArrayList<>(working));
            cacheDirty = false;
            lastCacheSaveNanos = scheduler.nanoTime();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot write the peer cache: {0}", String.valueOf(e));
        }
    }

    // ------------------------------------------------------------------ helpers

    /** @return the protocols after the host, without /p2p/: {@code [tcp]}, {@code [tcp, ws]}, {@code [udp, quic-v1]} */
    static List<String> shape(MeshAddress address) {
        List<String> protocols = address.withoutPeer().protocols();
        return protocols.subList(1, protocols.size());
    }

    /** @return the id of an active local transport that listens on addresses of the same kind, or null */
    private static String localTransportFor(MeshAddress address, List<TransportInfo> transports) {
        List<String> shape = shape(address);
        for (TransportInfo t : transports) {
            if (usable(t.state()) && t.localAddresses().stream().anyMatch(a -> shape(a).equals(shape))) {
                return t.id();
            }
        }
        return null;
    }

    private static boolean linked(List<LinkInfo> links, PeerId peer, String transportId) {
        return links.stream().anyMatch(l -> l.transportId().equals(transportId)
                && l.peer().map(peer::equals).orElse(false));
    }

    private static boolean usable(TransportState state) {
        return state == TransportState.ACTIVE || state == TransportState.DEGRADED;
    }

    private static <K, V> Map<K, V> bounded(int max) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > max;
            }
        };
    }

    /** Progress of connecting to one target. */
    static final class Attempt {
        boolean inFlight;
        int failures;
        int dialled;
        long notBeforeNanos;
        PeerId peer;
    }

    /** A seed or cached address to keep linked. */
    private final class Target {
        final MeshAddress address;
        final int maxFailures;
        final String kind;

        Target(MeshAddress address, int maxFailures, String kind) {
            this.address = address;
            this.maxFailures = maxFailures;
            this.kind = kind;
        }

        PeerId peer() {
            try {
                Optional<PeerId> named = address.peer();
                if (named.isPresent()) {
                    return named.get();
                }
            } catch (IllegalArgumentException e) {
                return null;
            }
            Attempt a = attempts.get(kind + " " + address);
            return a == null ? null : a.peer;
        }
    }

    /** For tests: how often {@code key} was dialled. */
    int dialled(String key) {
        Attempt a = attempts.get(key);
        return a == null ? 0 : a.dialled;
    }
}
