package org.sovereignmesh.update.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.osgi.framework.Version;
import org.sovereignmesh.api.MeshMessage;
import org.sovereignmesh.api.MeshNetwork;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.SendOptions;
import org.sovereignmesh.api.time.Cancellable;
import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.crypto.MeshCrypto;
import org.sovereignmesh.crypto.NodeKeys;
import org.sovereignmesh.update.ManagedBundle;
import org.sovereignmesh.update.PeerReport;
import org.sovereignmesh.update.UpdateInfo;
import org.sovereignmesh.update.UpdateState;
import org.sovereignmesh.update.internal.AgentState.Change;
import org.sovereignmesh.update.internal.AgentState.Installation;
import org.sovereignmesh.update.internal.AgentState.Record;
import org.sovereignmesh.update.internal.AgentState.Role;
import org.sovereignmesh.update.internal.Installer.Snapshot;
import org.sovereignmesh.update.internal.Installer.Step;

/**
 * The update agent: publishes updates, answers other nodes' requests, evaluates offers, fetches accepted updates
 * chunk by chunk, hands them to the {@link Installer} one at a time, and keeps the installed set and the rollback
 * stack in {@link AgentState}. Plain Java on a {@link Scheduler}: all state is confined to the scheduler's thread,
 * so the same class runs in OSGi, in tests on virtual time and in the simulator. Public methods may be called from
 * any thread.
 *
 * <p>Nothing the network sends can block the agent or grow without bound: messages are decoded within fixed limits,
 * unsolicited chunks are dropped, refused offers are kept in memory only (at most {@value #MAX_REFUSED}), the chunks
 * this node serves to others are limited per requester and in total.
 */
final class Agent implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Agent.class.getName());
    static final int MAX_REFUSED = 32;
    static final int MAX_RECORDS = 64;
    static final int MAX_SUBSCRIBERS = 4096;
    static final int MAX_REPORTS = 1024;
    static final int MAX_SERVING_PER_PEER = 16;
    static final int MAX_SERVING = 128;
    static final long MAX_INBOUND_BYTES = 8L << 20;
    static final Duration FINAL_REPORT_LIFETIME = Duration.ofDays(1);
    private static final Duration TICK = Duration.ofMillis(500);

    private final Scheduler scheduler;
    private final Supplier<MeshNetwork> network;
    private final NodeKeys keys;
    private final MeshCrypto crypto;
    private final UpdateStore store;
    private final Installer installer;
    private volatile UpdateSettings settings;

    private AgentState state = new AgentState();
    private final Map<String, Offer> offers = new HashMap<>();
    private final Map<String, Transfer> transfers = new LinkedHashMap<>();
    private final ArrayDeque<String> installQueue = new ArrayDeque<>();
    private final Map<PeerId, Integer> serving = new HashMap<>();
    private final AtomicLong inboundBytes = new AtomicLong();
    private String installing;
    private boolean reconciled;
    private boolean closed;
    private Cancellable pollTask;
    private Cancellable tickTask;

    Agent(Scheduler scheduler, Supplier<MeshNetwork> network, NodeKeys keys, MeshCrypto crypto, UpdateStore store,
            Installer installer, UpdateSettings settings) {
        this.scheduler = scheduler;
        this.network = network;
        this.keys = keys;
        this.crypto = crypto;
        this.store = store;
        this.installer = installer;
        this.settings = settings;
    }

    // ================================================================ lifecycle

    /**
     * Reads the stored state (synchronously, so a store that cannot be read fails the caller with the reason), then on
     * the agent's thread: puts the installed set back into the framework, undoes an installation a crash interrupted,
     * resumes interrupted transfers and starts asking the sources for updates.
     *
     * <p>A state that cannot be parsed is set aside (kept in the store for a post-mortem) and the agent starts afresh:
     * a gateway nobody can reach by hand must keep taking updates. The node then runs its runtime's bundles, and the
     * updates its sources still offer are fetched and installed again.
     *
     * @throws IOException if the store cannot be read
     */
    void start() throws IOException {
        String text = store.readState();
        AgentState parsed;
        try {
            parsed = text == null ? new AgentState() : AgentState.read(text);
        } catch (MalformedUpdateException e) {
            store.setAsideDamagedState(text);
            LOG.log(Level.ERROR, "the update agent's state (" + store.stateLocation() + ") is damaged: " + e.getMessage()
                    + "; it was set aside as " + store.damagedStateLocation() + " and the agent starts afresh: the node "
                    + "runs its runtime's bundles, and updates its sources still offer are fetched and installed again");
            parsed = new AgentState();
        }
        AgentState loaded = parsed;
        Map<String, Offer> loadedOffers = new HashMap<>();
        for (Record r : loaded.records.values()) {
            try {
                Offer offer = store.loadOffer(r.id);
                if (offer != null) {
                    loadedOffers.put(r.id, offer);
                }
            } catch (MalformedUpdateException e) {
                LOG.log(Level.WARNING, "stored offer " + r.id + " is unreadable: " + e.getMessage());
            }
        }
        scheduler.execute(() -> {
            state = loaded;
            offers.putAll(loadedOffers);
            state.records.values().removeIf(r -> {
                boolean lost = !offers.containsKey(r.id);
                if (lost) {
                    LOG.log(Level.WARNING, "forgetting update " + r.id + ": its offer is no longer stored");
                }
                return lost && state.applied.stream().noneMatch(i -> i.id().equals(r.id));
            });
            reconcile();
        });
    }

    @Override
    public void close() {
        run(() -> {
            closed = true;
            if (pollTask != null) {
                pollTask.cancel();
            }
            if (tickTask != null) {
                tickTask.cancel();
            }
            return null;
        });
    }

    /** New settings (the configuration changed): they apply from now on; the sources are asked at once. */
    void configure(UpdateSettings newSettings) {
        scheduler.execute(() -> {
            settings = newSettings;
            if (pollTask != null) {
                pollTask.cancel();
                pollTask = scheduler.scheduleAtFixedRate(this::poll, 0, Math.max(1, settings.poll.toMillis()),
                        TimeUnit.MILLISECONDS);
            }
        });
    }

    /** The mesh (re)appeared: ask the sources now rather than at the next poll. */
    void networkAvailable() {
        scheduler.execute(() -> {
            if (reconciled && !closed) {
                poll();
            }
        });
    }

    /** Puts the installed set into the framework (a node starts from its runtime's bundles) and undoes a crash. */
    private void reconcile() {
        Installation interrupted = state.pending;
        if (interrupted != null) {
            Record r = state.records.get(interrupted.id());
            if (r != null) {
                setState(r, UpdateState.ROLLED_BACK, "interrupted: the node stopped during the installation; "
                        + "the bundles from before it were restored");
            }
        }
        List<Step> steps = reconcileSteps();
        if (steps.isEmpty()) {
            afterReconcile(interrupted);
            return;
        }
        LOG.log(Level.INFO, "putting back the installed set: " + steps);
        installer.apply(steps, List.of(), false).whenComplete((outcome, failure) -> scheduler.execute(() -> {
            if (failure != null || !outcome.succeeded()) {
                String reason = failure != null ? String.valueOf(failure) : outcome.reason();
                LOG.log(Level.ERROR, "could not put back the installed set " + steps + ": " + reason);
            }
            afterReconcile(interrupted);
        }));
    }

    List<Step> reconcileSteps() {
        Map<String, Version> have = installer.installed();
        Map<String, Change> desired = new LinkedHashMap<>();
        Map<String, Set<Version>> known = new HashMap<>();
        for (Installation i : state.applied) {
            for (Change c : i.changes()) {
                desired.put(c.symbolicName(), c);
                Set<Version> versions = known.computeIfAbsent(c.symbolicName(), k -> new HashSet<>());
                versions.add(c.version());
                if (c.wasInstalled()) {
                    versions.add(c.previousVersion());
                }
            }
        }
        List<Step> steps = new ArrayList<>();
        for (Change c : desired.values()) {
            Version current = have.get(c.symbolicName());
            if (c.version().equals(current)) {
                continue;
            }
            if (current != null && current.compareTo(c.version()) > 0 && !known.get(c.symbolicName()).contains(current)) {
                LOG.log(Level.INFO, "the runtime provides " + c.symbolicName() + " " + current + ", newer than "
                        + c.version() + " from an update; keeping the runtime's");
                continue;
            }
            if (!store.hasJar(c.sha256())) {
                LOG.log(Level.ERROR, "the jar of " + c.symbolicName() + " " + c.version() + " (" + c.sha256()
                        + ") is missing from " + store.root() + "; it cannot be put back");
                continue;
            }
            steps.add(new Step(c.symbolicName(), c.version(), store.jar(c.sha256())));
        }
        if (state.pending != null) {
            for (Change c : state.pending.changes()) {
                if (desired.containsKey(c.symbolicName()) || !c.version().equals(have.get(c.symbolicName()))) {
                    continue; // an installed update decides, or the interrupted change did not stay
                }
                steps.add(c.wasInstalled() ? new Step(c.symbolicName(), c.previousVersion(), store.jar(c.previousSha256()))
                        : new Step(c.symbolicName(), c.version(), null));
            }
        }
        return steps;
    }

    private void afterReconcile(Installation interrupted) {
        if (closed) {
            return;
        }
        if (interrupted != null) {
            state.pending = null;
        }
        reconciled = true;
        for (Record r : new ArrayList<>(state.records.values())) {
            if (r.role != Role.RECEIVED) {
                continue;
            }
            if (r.state == UpdateState.INSTALLING) {
                // stopped after choosing it, before touching the framework (no pending record): install it again
                setState(r, UpdateState.READY, "");
            }
            if (r.state == UpdateState.DOWNLOADING) {
                resumeTransfer(r);
            } else if (r.state == UpdateState.READY) {
                installQueue.add(r.id);
            }
        }
        persist();
        pollTask = scheduler.scheduleAtFixedRate(this::poll, 0, Math.max(1, settings.poll.toMillis()), TimeUnit.MILLISECONDS);
        installNext();
    }

    // ================================================================ messages

    /**
     * Entry point for the mesh: called on a delivery thread, never blocks. While {@value #MAX_INBOUND_BYTES} bytes
     * wait to be handled, chunk traffic is dropped (the fetching node asks again) and any other message is refused
     * by throwing, so that the mesh does not acknowledge it and its sender sends it again later.
     *
     * @throws IllegalStateException if the agent is too busy to take an offer, a list request or a report now
     */
    void messageReceived(MeshMessage message) {
        int size = message.payloadBuffer().remaining();
        if (inboundBytes.addAndGet(size) > MAX_INBOUND_BYTES) {
            inboundBytes.addAndGet(-size);
            if (Wire.isTransferMessage(message.payload())) {
                LOG.log(Level.DEBUG, "update agent busy: dropping a chunk message from " + message.source().shortName());
                return;
            }
            throw new IllegalStateException("update agent busy (" + (MAX_INBOUND_BYTES >> 20) + " MiB waiting): a "
                    + "message from " + message.source().shortName() + " is left unacknowledged to come again");
        }
        scheduler.execute(() -> {
            inboundBytes.addAndGet(-size);
            if (!closed) {
                handle(message);
            }
        });
    }

    private void handle(MeshMessage message) {
        PeerId from = message.source();
        Wire.Message m;
        try {
            m = Wire.decode(message.payload());
        } catch (MalformedUpdateException e) {
            LOG.log(Level.INFO, "malformed update message from " + from + " refused: " + e.getMessage());
            return;
        }
        if (m instanceof Wire.ListRequest) {
            onList(from);
        } else if (m instanceof Wire.OfferMessage o) {
            onOffer(from, o.offer());
        } else if (m instanceof Wire.Get g) {
            onGet(from, g);
        } else if (m instanceof Wire.Chunk c) {
            onChunk(from, c);
        } else if (m instanceof Wire.Status s) {
            onStatus(from, s);
        } else if (m instanceof Wire.Missing missing) {
            onMissing(from, missing.id());
        }
    }

    // ---------------------------------------------------------------- publisher side

    private void onList(PeerId from) {
        if (state.subscribers.size() < MAX_SUBSCRIBERS && state.subscribers.add(from)) {
            persist();
        }
        for (Record r : state.records.values()) {
            if (r.role == Role.PUBLISHED && r.state == UpdateState.PUBLISHED) {
                send(from, Wire.offer(offers.get(r.id)), SendOptions.reliable().withLifetime(Duration.ofHours(1)));
            }
        }
    }

    private void onStatus(PeerId from, Wire.Status s) {
        Record r = state.records.get(s.id());
        if (r == null || r.role != Role.PUBLISHED) {
            return;
        }
        if (!r.reports.containsKey(from) && r.reports.size() >= MAX_REPORTS) {
            return;
        }
        AgentState.Report previous = r.reports.put(from, new AgentState.Report(s.state(), scheduler.currentTimeMillis(),
                s.bytesDone(), s.bytesTotal(), s.detail()));
        if (previous == null || previous.state() != s.state()) {
            Offer offer = offers.get(r.id);
            LOG.log(s.state() == UpdateState.ROLLED_BACK || s.state() == UpdateState.REFUSED
                    || s.state() == UpdateState.FAILED ? Level.WARNING : Level.INFO,
                    "update " + offer + " on " + from + ": " + s.state() + (s.detail().isEmpty() ? "" : " (" + s.detail() + ")"));
            if (s.state().isFinal() || s.state() == UpdateState.DOWNLOADING) {
                persist();
            }
        }
    }

    private void onGet(PeerId from, Wire.Get g) {
        Offer offer = offers.get(g.id());
        Record r = state.records.get(g.id());
        Manifest.Entry entry = offer == null || g.bundle() >= offer.manifest.bundles.size() ? null
                : offer.manifest.bundles.get(g.bundle());
        if (r == null || entry == null || !store.hasJar(entry.sha256Hex())) {
            send(from, Wire.missing(g.id()), SendOptions.bestEffort());
            return;
        }
        if (g.chunk() < 0 || g.chunk() >= entry.chunks()) {
            LOG.log(Level.DEBUG, "chunk " + g.chunk() + " of " + entry + " requested by " + from + " does not exist");
            return;
        }
        int busy = serving.getOrDefault(from, 0);
        int total = serving.values().stream().mapToInt(Integer::intValue).sum();
        if (busy >= MAX_SERVING_PER_PEER || total >= MAX_SERVING) {
            return; // the requester asks again after its timeout
        }
        int chunkSize = offer.manifest.chunkSize;
        int length = entry.chunkLength(g.chunk(), chunkSize);
        byte[] data = new byte[length];
        try {
            if (store.readJar(entry.sha256Hex(), (long) g.chunk() * chunkSize, data, length) != length) {
                throw new IOException("short read");
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot read chunk " + g.chunk() + " of " + entry + ": " + e.getMessage());
            return;
        }
        MeshNetwork net = network.get();
        if (net == null) {
            return;
        }
        serving.merge(from, 1, Integer::sum);
        try {
            net.send(from, Wire.CHANNEL, Wire.chunk(g.id(), g.bundle(), g.chunk(), data, length), SendOptions.bestEffort())
                    .whenComplete((receipt, failure) -> scheduler.execute(() -> serving.computeIfPresent(from,
                            (k, n) -> n <= 1 ? null : n - 1)));
        } catch (RuntimeException e) {
            serving.computeIfPresent(from, (k, n) -> n <= 1 ? null : n - 1);
            LOG.log(Level.DEBUG, "cannot send a chunk to " + from + ": " + e);
        }
    }

    // ---------------------------------------------------------------- receiver side: offers

    private void onOffer(PeerId from, Offer offer) {
        Record known = state.records.get(offer.id);
        if (known != null) {
            if (known.role == Role.PUBLISHED) {
                return;
            }
            Transfer t = transfers.get(offer.id);
            if (t != null) {
                if (t.source.equals(from)) {
                    t.sourceHeard(scheduler.nanoTime());
                    sendRequests(t);
                }
                report(known);
                return;
            }
            if (known.state != UpdateState.FAILED && known.state != UpdateState.REFUSED) {
                report(known, from);
                return;
            }
            // a download that failed starts over when the update is offered again; a refused offer is judged again,
            // so that an unsigned or altered copy sent first cannot shut out the genuine one (same manifest, same id)
        }
        String refusal = evaluate(offer);
        if (refusal == null) {
            for (Record other : new ArrayList<>(state.records.values())) {
                Offer o = offers.get(other.id);
                if (other.role != Role.RECEIVED || o == null || other.id.equals(offer.id)
                        || !o.manifest.name.equals(offer.manifest.name)
                        || !(other.state == UpdateState.DOWNLOADING || other.state == UpdateState.READY)) {
                    continue;
                }
                if (o.manifest.version.compareTo(offer.manifest.version) > 0) {
                    refusal = "superseded: " + o.manifest.name + " " + o.manifest.version + " is already on its way";
                } else {
                    supersede(other, offer);
                }
            }
        }
        if (refusal != null) {
            refuse(offer, from, refusal);
            return;
        }
        accept(offer, from, known);
    }

    /** @return why the offer is refused, or null */
    private String evaluate(Offer offer) {
        String reason = UpdatePolicy.checkOrigin(offer, crypto, settings);
        if (reason != null) {
            return reason;
        }
        Manifest m = offer.manifest;
        reason = UpdatePolicy.checkVersion(m, installedVersion(m.name), rolledBackReason(m));
        if (reason != null) {
            return reason;
        }
        reason = UpdatePolicy.checkBundles(m, installer.installed(), installer.untouchable());
        if (reason != null) {
            return reason;
        }
        long usable;
        try {
            usable = Files.getFileStore(store.root()).getUsableSpace();
        } catch (IOException e) {
            usable = Long.MAX_VALUE;
        }
        return UpdatePolicy.checkSize(bytesToFetch(offer), settings.maxUpdateBytes, usable);
    }

    private Version installedVersion(String name) {
        Version best = null;
        for (Record r : state.records.values()) {
            Offer o = offers.get(r.id);
            if (r.role == Role.RECEIVED && r.state == UpdateState.INSTALLED && o != null && o.manifest.name.equals(name)
                    && (best == null || o.manifest.version.compareTo(best) > 0)) {
                best = o.manifest.version;
            }
        }
        return best;
    }

    private String rolledBackReason(Manifest m) {
        for (Record r : state.records.values()) {
            Offer o = offers.get(r.id);
            if (r.state == UpdateState.ROLLED_BACK && o != null && o.manifest.name.equals(m.name)
                    && o.manifest.version.equals(m.version)) {
                return r.detail.isEmpty() ? "rolled back" : r.detail;
            }
        }
        return null;
    }

    /** Bundle indexes this node must fetch: not installed at that version already, not stored already. */
    private Set<Integer> wanted(Offer offer) {
        Map<String, Version> have = installer.installed();
        Set<Integer> wanted = new LinkedHashSet<>();
        List<Manifest.Entry> bundles = offer.manifest.bundles;
        for (int i = 0; i < bundles.size(); i++) {
            Manifest.Entry e = bundles.get(i);
            if (!e.version.equals(have.get(e.symbolicName)) && !store.hasJar(e.sha256Hex())) {
                wanted.add(i);
            }
        }
        return wanted;
    }

    private long bytesToFetch(Offer offer) {
        return wanted(offer).stream().mapToLong(i -> offer.manifest.bundles.get(i).size).sum();
    }

    private void refuse(Offer offer, PeerId from, String reason) {
        LOG.log(Level.WARNING, "refused update " + offer + " from publisher " + offer.manifest.publisher + " (offered by "
                + from + "): " + reason);
        Record r = new Record(offer.id, Role.RECEIVED, UpdateState.REFUSED, reason, scheduler.currentTimeMillis(), from);
        Record old = state.records.remove(offer.id);
        state.records.put(offer.id, r);
        offers.put(offer.id, offer);
        if (old != null) {
            persist(); // a stored record (a failed download) became a refusal: it is no longer kept
        }
        pruneRefused();
        report(r);
    }

    private void pruneRefused() {
        List<String> refused = state.records.values().stream().filter(r -> r.state == UpdateState.REFUSED)
                .map(r -> r.id).toList();
        for (int i = 0; i < refused.size() - MAX_REFUSED; i++) {
            state.records.remove(refused.get(i));
            offers.remove(refused.get(i));
        }
    }

    private void accept(Offer offer, PeerId from, Record known) {
        try {
            store.saveOffer(offer);
        } catch (IOException e) {
            LOG.log(Level.ERROR, "cannot store update " + offer + ": " + e.getMessage());
            return;
        }
        offers.put(offer.id, offer);
        Record r = known != null ? known : new Record(offer.id, Role.RECEIVED, UpdateState.DOWNLOADING, "",
                scheduler.currentTimeMillis(), from);
        r.source = from;
        state.records.remove(offer.id);
        state.records.put(offer.id, r);
        LOG.log(Level.INFO, "accepted update " + offer + " (" + String.join(", ", offer.manifest.bundleNames())
                + ") from publisher " + offer.manifest.publisher + ", offered by " + from);
        setState(r, UpdateState.DOWNLOADING, "");
        pruneRecords();
        startTransfer(r, offer, Map.of());
    }

    private void supersede(Record other, Offer newer) {
        Transfer t = transfers.remove(other.id);
        installQueue.remove(other.id);
        try {
            store.deleteDownload(other.id);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot delete the partial download of " + other.id + ": " + e.getMessage());
        }
        setState(other, UpdateState.SUPERSEDED, "superseded by " + newer.manifest.version);
        report(other);
        if (t != null) {
            LOG.log(Level.INFO, "update " + t.offer + " superseded by " + newer);
        }
    }

    // ---------------------------------------------------------------- receiver side: transfer

    private void resumeTransfer(Record r) {
        Offer offer = offers.get(r.id);
        if (!offer.signatureValid(crypto)) {
            fail(r, "the stored offer no longer verifies (altered on disk); offer it again");
            return;
        }
        Map<Integer, List<Integer>> have = new HashMap<>();
        try {
            for (UpdateStore.StoredChunk c : store.chunks(r.id)) {
                Manifest.Entry e = c.bundle() < offer.manifest.bundles.size() ? offer.manifest.bundles.get(c.bundle()) : null;
                byte[] data = Files.readAllBytes(c.file());
                if (e == null || c.chunk() >= e.chunks() || data.length != e.chunkLength(c.chunk(), offer.manifest.chunkSize)
                        || !e.chunkMatches(c.chunk(), Offer.sha256(data))) {
                    LOG.log(Level.WARNING, "discarding stored chunk " + c.file() + ": it does not match the manifest");
                    Files.deleteIfExists(c.file());
                    continue;
                }
                have.computeIfAbsent(c.bundle(), k -> new ArrayList<>()).add(c.chunk());
            }
        } catch (IOException e) {
            fail(r, "cannot read the partial download: " + e.getMessage());
            return;
        }
        LOG.log(Level.INFO, "resuming the download of " + offer + " from " + r.source + " ("
                + have.values().stream().mapToInt(List::size).sum() + " chunks already here)");
        startTransfer(r, offer, have);
    }

    private void startTransfer(Record r, Offer offer, Map<Integer, List<Integer>> stored) {
        Transfer t = new Transfer(offer, r.source, wanted(offer), settings.chunkTimeout, settings.maxChunkTimeout);
        for (Map.Entry<Integer, List<Integer>> e : stored.entrySet()) {
            if (t.wanted().contains(e.getKey())) {
                for (int c : e.getValue()) {
                    t.received(e.getKey(), c, offer.manifest.bundles.get(e.getKey()).chunkLength(c, offer.manifest.chunkSize));
                }
            }
        }
        transfers.put(r.id, t);
        r.bytesDone = t.bytesDone();
        r.bytesTotal = t.bytesTotal();
        persist();
        report(r);
        for (int b : t.wanted()) {
            if (t.bundleComplete(b) && !assemble(r, t, b)) {
                return;
            }
        }
        if (t.complete()) {
            downloaded(r, t);
            return;
        }
        sendRequests(t);
        ensureTicking();
    }

    private void ensureTicking() {
        if (tickTask == null && !closed) {
            tickTask = scheduler.scheduleAtFixedRate(this::tick, TICK.toNanos(), TICK.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void tick() {
        if (transfers.isEmpty()) {
            tickTask.cancel();
            tickTask = null;
            return;
        }
        for (Transfer t : new ArrayList<>(transfers.values())) {
            sendRequests(t);
        }
    }

    private void sendRequests(Transfer t) {
        if (t.source.equals(keys.peerId())) {
            return; // an imported update: nobody to ask
        }
        for (int[] request : t.requests(scheduler.nanoTime(), settings.window)) {
            send(t.source, Wire.get(t.offer.id, request[0], request[1]), SendOptions.bestEffort());
        }
    }

    private void onChunk(PeerId from, Wire.Chunk c) {
        Transfer t = transfers.get(c.id());
        if (t == null || !t.source.equals(from)) {
            LOG.log(Level.DEBUG, "dropping an unrequested chunk from " + from);
            return;
        }
        Record r = state.records.get(c.id());
        Transfer.Verdict verdict = t.check(c.bundle(), c.chunk(), c.data());
        switch (verdict) {
            case TAKEN:
                break;
            case CORRUPT:
            case WRONG_LENGTH:
                t.corruptChunks++;
                t.rejected(c.bundle(), c.chunk());
                LOG.log(Level.WARNING, "chunk " + c.chunk() + " of bundle " + c.bundle() + " of " + t.offer + " from "
                        + from + " does not match the signed manifest (" + verdict + "); discarded");
                if (t.corruptChunks > Transfer.MAX_CORRUPT_CHUNKS) {
                    fail(r, "source " + from + " sent " + t.corruptChunks + " chunks that do not match the signed manifest");
                }
                return;
            default:
                return;
        }
        try {
            store.writeChunk(c.id(), c.bundle(), c.chunk(), c.data());
        } catch (IOException e) {
            fail(r, "cannot store a chunk: " + e.getMessage());
            return;
        }
        t.received(c.bundle(), c.chunk(), c.data().length);
        t.sourceHeard(scheduler.nanoTime());
        r.bytesDone = t.bytesDone();
        int quarter = (int) (4 * t.bytesDone() / Math.max(1, t.bytesTotal()));
        if (quarter > t.reportedQuarter && quarter < 4) {
            t.reportedQuarter = quarter;
            report(r);
        }
        if (t.bundleComplete(c.bundle()) && !assemble(r, t, c.bundle())) {
            return;
        }
        if (t.complete()) {
            downloaded(r, t);
        } else {
            sendRequests(t);
        }
    }

    private boolean assemble(Record r, Transfer t, int bundle) {
        try {
            store.assemble(r.id, bundle, t.offer.manifest.bundles.get(bundle));
            return true;
        } catch (MalformedUpdateException e) {
            fail(r, e.getMessage());
        } catch (IOException e) {
            fail(r, "cannot store bundle " + t.offer.manifest.bundles.get(bundle) + ": " + e.getMessage());
        }
        return false;
    }

    private void downloaded(Record r, Transfer t) {
        transfers.remove(r.id);
        try {
            store.deleteDownload(r.id);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "cannot delete " + r.id + "'s download folder: " + e.getMessage());
        }
        String mismatch = checkJars(t.offer);
        if (mismatch != null) {
            fail(r, mismatch);
            return;
        }
        r.bytesDone = r.bytesTotal;
        LOG.log(Level.INFO, "update " + t.offer + " fetched and verified (" + t.bytesTotal() + " bytes)");
        setState(r, UpdateState.READY, "");
        report(r);
        installQueue.add(r.id);
        installNext();
    }

    /** Every stored jar of the update is the bundle its manifest names. */
    private String checkJars(Offer offer) {
        Map<String, Version> have = installer.installed();
        for (Manifest.Entry e : offer.manifest.bundles) {
            if (e.version.equals(have.get(e.symbolicName)) && !store.hasJar(e.sha256Hex())) {
                continue; // unchanged: already installed at this version
            }
            try {
                Jars.Identity id = Jars.identity(store.jar(e.sha256Hex()));
                if (!id.symbolicName().equals(e.symbolicName) || !id.version().equals(e.version)) {
                    return "the manifest names bundle " + e + ", its jar is " + id;
                }
            } catch (IOException | IllegalArgumentException ex) {
                return "bundle " + e + " is not a readable bundle: " + ex.getMessage();
            }
        }
        return null;
    }

    private void onMissing(PeerId from, String id) {
        Transfer t = transfers.get(id);
        Record r = state.records.get(id);
        if (t != null && r != null && t.source.equals(from)) {
            fail(r, "source " + from + " does not have the update (any more); waiting for it to be offered again");
        }
    }

    private void fail(Record r, String reason) {
        transfers.remove(r.id);
        installQueue.remove(r.id);
        LOG.log(Level.WARNING, "update " + offers.get(r.id) + " failed: " + reason);
        setState(r, UpdateState.FAILED, reason);
        report(r);
    }

    // ---------------------------------------------------------------- installation

    private void installNext() {
        if (!reconciled || installing != null || closed) {
            return;
        }
        String id = installQueue.poll();
        if (id == null) {
            return;
        }
        Record r = state.records.get(id);
        Offer offer = offers.get(id);
        if (r == null || offer == null || r.state != UpdateState.READY) {
            installNext();
            return;
        }
        String refusal = UpdatePolicy.checkVersion(offer.manifest, installedVersion(offer.manifest.name), null);
        if (refusal == null) {
            refusal = UpdatePolicy.checkBundles(offer.manifest, installer.installed(), installer.untouchable());
        }
        if (refusal != null) {
            setState(r, UpdateState.REFUSED, refusal);
            persist();
            report(r);
            installNext();
            return;
        }
        Map<String, Version> have = installer.installed();
        List<Manifest.Entry> changed = new ArrayList<>();
        for (Manifest.Entry e : offer.manifest.bundles) {
            if (e.version.equals(have.get(e.symbolicName))) {
                continue;
            }
            if (!store.hasJar(e.sha256Hex())) {
                fail(r, "bundle " + e.symbolicName + " is now at " + have.get(e.symbolicName)
                        + ", not the version the update was fetched against; offer it again");
                installNext();
                return;
            }
            changed.add(e);
        }
        if (changed.isEmpty()) {
            setState(r, UpdateState.INSTALLED, "nothing to change: every bundle was already at its version");
            report(r);
            installNext();
            return;
        }
        installing = id;
        setState(r, UpdateState.INSTALLING, "saving the current bundles");
        report(r);
        Map<String, Snapshot> ours = managedSnapshots(have);
        Set<String> toSave = new LinkedHashSet<>();
        for (Manifest.Entry e : changed) {
            if (have.containsKey(e.symbolicName) && !ours.containsKey(e.symbolicName)) {
                toSave.add(e.symbolicName);
            }
        }
        installer.snapshot(toSave).whenComplete((saved, failure) -> scheduler.execute(() -> {
            if (failure != null) {
                installing = null;
                fail(r, "could not keep the current bundles for a rollback, so nothing was installed: "
                        + rootMessage(failure));
                installNext();
                return;
            }
            Map<String, Snapshot> previous = new HashMap<>(ours);
            previous.putAll(saved);
            install(r, offer, changed, previous);
        }));
    }

    /** Snapshots the agent already has: bundles an installed update put in, at the version it put in. */
    private Map<String, Snapshot> managedSnapshots(Map<String, Version> have) {
        Map<String, Snapshot> ours = new HashMap<>();
        for (Installation i : state.applied) {
            for (Change c : i.changes()) {
                if (c.version().equals(have.get(c.symbolicName())) && store.hasJar(c.sha256())) {
                    ours.put(c.symbolicName(), new Snapshot(c.version(), c.sha256()));
                }
            }
        }
        return ours;
    }

    private void install(Record r, Offer offer, List<Manifest.Entry> changed, Map<String, Snapshot> previous) {
        List<Change> changes = new ArrayList<>();
        for (Manifest.Entry e : changed) {
            Snapshot p = previous.get(e.symbolicName);
            changes.add(new Change(e.symbolicName, e.version, e.sha256Hex(), p == null ? null : p.version(),
                    p == null ? null : p.sha256()));
        }
        Installation installation = new Installation(r.id, List.copyOf(changes));
        state.pending = installation;
        r.detail = "installing " + changes.size() + " bundle(s)";
        persist(); // the way back is on disk before the framework changes
        LOG.log(Level.INFO, "installing update " + offer + ": " + changed);
        installer.apply(forward(installation), backward(installation), true).whenComplete((outcome, failure) ->
                scheduler.execute(() -> {
                    state.pending = null;
                    installing = null;
                    if (failure == null && outcome.succeeded()) {
                        state.applied.add(installation);
                        LOG.log(Level.INFO, "update " + offer + " installed and healthy");
                        setState(r, UpdateState.INSTALLED, "");
                    } else {
                        String reason = failure != null ? "installation failed: " + rootMessage(failure) : outcome.reason();
                        LOG.log(Level.WARNING, "update " + offer + " rolled back: " + reason);
                        setState(r, UpdateState.ROLLED_BACK, reason);
                    }
                    collectJars();
                    report(r);
                    installNext();
                }));
    }

    private List<Step> forward(Installation i) {
        return i.changes().stream().map(c -> new Step(c.symbolicName(), c.version(), store.jar(c.sha256()))).toList();
    }

    private List<Step> backward(Installation i) {
        return i.changes().stream().map(c -> c.wasInstalled()
                ? new Step(c.symbolicName(), c.previousVersion(), store.jar(c.previousSha256()))
                : new Step(c.symbolicName(), c.version(), null)).toList();
    }

    /** Undoes the most recent installed update. */
    UpdateInfo rollback() {
        return run(() -> {
            if (installing != null) {
                throw new IllegalStateException("an installation is in progress (" + offers.get(installing) + "); try again when it ends");
            }
            if (state.applied.isEmpty()) {
                throw new IllegalStateException("no installed update to roll back");
            }
            Installation top = state.applied.get(state.applied.size() - 1);
            Record r = state.records.get(top.id());
            Offer offer = offers.get(top.id());
            installing = top.id();
            setState(r, UpdateState.INSTALLING, "rolling back (operator)");
            LOG.log(Level.INFO, "rolling back update " + offer + " at the operator's request");
            installer.apply(backward(top), forward(top), true).whenComplete((outcome, failure) -> scheduler.execute(() -> {
                installing = null;
                if (failure == null && outcome.succeeded()) {
                    state.applied.remove(top);
                    setState(r, UpdateState.ROLLED_BACK, "rolled back by the operator");
                } else {
                    String reason = failure != null ? rootMessage(failure) : outcome.reason();
                    LOG.log(Level.WARNING, "the rollback of " + offer + " failed, the update stays installed: " + reason);
                    setState(r, UpdateState.INSTALLED, "a rollback failed and was undone: " + reason);
                }
                collectJars();
                report(r);
                installNext();
            }));
            return info(r);
        });
    }

    // ================================================================ publishing

    /** Signs and stores an update on the caller's thread, then offers it to every node that asked. */
    UpdateInfo publish(String name, String version, String targetGroup, List<Path> jars) throws IOException {
        Manifest.requireName("update name", name);
        Manifest.requireName("target group", targetGroup);
        Version v;
        try {
            v = Version.parseVersion(version);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid version '" + version + "': " + e.getMessage());
        }
        if (jars.isEmpty()) {
            throw new IllegalArgumentException("an update needs at least one bundle jar");
        }
        MeshNetwork net = network.get();
        int maxPayload = net == null ? 60 * 1024 : net.maxPayloadSize();
        int chunkSize = Math.min(settings.chunkSize, maxPayload - Wire.CHUNK_HEADER);
        List<Manifest.Entry> entries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Path jar : jars) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException("no such file: " + jar);
            }
            Jars.Identity id = Jars.identity(jar);
            if (!names.add(id.symbolicName())) {
                throw new IllegalArgumentException("bundle " + id.symbolicName() + " given twice");
            }
            Jars.Hashes h = Jars.hashes(jar, chunkSize);
            if (h.size() == 0) {
                throw new IllegalArgumentException(jar + " is empty");
            }
            entries.add(new Manifest.Entry(id.symbolicName(), id.version(), h.size(), h.sha256(), h.chunks()));
        }
        Manifest manifest = new Manifest(keys.peerId(), scheduler.currentTimeMillis(), name, v, targetGroup, chunkSize,
                entries);
        Offer offer = Offer.sign(manifest, keys);
        int size = Wire.offer(offer).length;
        if (size > maxPayload) {
            throw new IllegalArgumentException("the signed manifest takes " + size + " bytes, more than one mesh message ("
                    + maxPayload + "): publish fewer bundles at once, or raise mesh.update.chunkKiB");
        }
        for (int i = 0; i < jars.size(); i++) {
            String sha = store.putJar(jars.get(i));
            if (!sha.equals(entries.get(i).sha256Hex())) {
                throw new IOException(jars.get(i) + " changed while it was being published");
            }
        }
        store.saveOffer(offer);
        return run(() -> {
            for (Record r : state.records.values()) {
                Offer o = offers.get(r.id);
                if (r.role == Role.PUBLISHED && o != null && o.manifest.name.equals(name)
                        && o.manifest.version.compareTo(v) >= 0) {
                    throw new IllegalArgumentException("version " + v + " of " + name + " is not higher than "
                            + o.manifest.version + ", published before");
                }
            }
            for (Record r : state.records.values()) {
                Offer o = offers.get(r.id);
                if (r.role == Role.PUBLISHED && r.state == UpdateState.PUBLISHED && o != null && o.manifest.name.equals(name)) {
                    setState(r, UpdateState.SUPERSEDED, "superseded by " + v);
                }
            }
            offers.put(offer.id, offer);
            Record r = new Record(offer.id, Role.PUBLISHED, UpdateState.PUBLISHED, "", scheduler.currentTimeMillis(), null);
            state.records.put(offer.id, r);
            pruneRecords();
            persist();
            LOG.log(Level.INFO, "published update " + offer + " for group " + targetGroup + ": "
                    + String.join(", ", manifest.bundleNames()) + "; offering it to " + state.subscribers.size() + " node(s)");
            for (PeerId subscriber : state.subscribers) {
                send(subscriber, Wire.offer(offer), SendOptions.reliable().withLifetime(FINAL_REPORT_LIFETIME));
            }
            return info(r);
        });
    }

    /** Asks every source for its current offers. */
    private void poll() {
        for (PeerId source : settings.sourcesOrTrusted()) {
            if (!source.equals(keys.peerId())) {
                send(source, Wire.list(), SendOptions.reliable().withLifetime(settings.poll.compareTo(Duration.ofMinutes(1)) < 0
                        ? Duration.ofMinutes(1) : settings.poll));
            }
        }
    }

    // ================================================================ update files (removable media)

    void export(String idOrPrefix, Path file) throws IOException {
        Offer offer = run(() -> {
            Record r = find(idOrPrefix).orElseThrow(() -> new IllegalArgumentException("no update " + idOrPrefix + " here"));
            Offer o = offers.get(r.id);
            for (Manifest.Entry e : o.manifest.bundles) {
                if (!store.hasJar(e.sha256Hex())) {
                    throw new IllegalArgumentException("this node does not have all of " + o + " (bundle " + e
                            + " is missing); only published or fetched updates can be exported");
                }
            }
            return o;
        });
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("update.offer"));
            zip.write(offer.encode());
            zip.closeEntry();
            for (Manifest.Entry e : offer.manifest.bundles) {
                zip.putNextEntry(new ZipEntry("bundles/" + e.sha256Hex() + ".jar"));
                Files.copy(store.jar(e.sha256Hex()), zip);
                zip.closeEntry();
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    UpdateInfo importUpdate(Path file) throws IOException {
        Offer offer = null;
        Map<String, Manifest.Entry> bySha = new HashMap<>();
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                if (entry.getName().equals("update.offer") && offer == null) {
                    offer = Offer.decode(zip.readNBytes(Manifest.MAX_CHUNK_SIZE + 4096));
                    for (Manifest.Entry e : offer.manifest.bundles) {
                        bySha.put(e.sha256Hex(), e);
                    }
                    String refusal = UpdatePolicy.checkOrigin(offer, crypto, settings);
                    if (refusal != null) {
                        Offer refused = offer;
                        return run(() -> {
                            refuse(refused, keys.peerId(), refusal);
                            return info(state.records.get(refused.id));
                        });
                    }
                } else if (entry.getName().startsWith("bundles/") && offer != null) {
                    String sha = entry.getName().substring("bundles/".length()).replace(".jar", "");
                    Manifest.Entry e = bySha.get(sha);
                    if (e == null) {
                        throw new IOException(file + ": " + entry.getName() + " is not a bundle of the update");
                    }
                    if (!store.hasJar(sha)) {
                        store.putJar(zip, e.size, sha);
                    }
                } else {
                    throw new IOException(file + ": unexpected entry " + entry.getName()
                            + " (an update file holds update.offer, then bundles/<sha-256>.jar)");
                }
            }
        } catch (MalformedUpdateException e) {
            throw new IOException(file + " is not a valid update file: " + e.getMessage(), e);
        }
        if (offer == null) {
            throw new IOException(file + " holds no update.offer: not an update file");
        }
        Map<String, Version> have = installer.installed();
        List<String> missing = new ArrayList<>();
        for (Manifest.Entry e : offer.manifest.bundles) {
            if (!e.version.equals(have.get(e.symbolicName)) && !store.hasJar(e.sha256Hex())) {
                missing.add(e.toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new IOException(file + " lacks bundles this node needs: " + String.join(", ", missing));
        }
        Offer imported = offer;
        return run(() -> {
            onOffer(keys.peerId(), imported);
            return info(state.records.get(imported.id));
        });
    }

    // ================================================================ queries

    List<UpdateInfo> updates() {
        return run(() -> {
            List<UpdateInfo> list = new ArrayList<>();
            for (Record r : state.records.values()) {
                if (offers.containsKey(r.id)) {
                    list.add(info(r));
                }
            }
            list.sort(Comparator.comparingLong(UpdateInfo::updatedMillis).reversed());
            return list;
        });
    }

    Optional<UpdateInfo> update(String idOrPrefix) {
        return run(() -> find(idOrPrefix).filter(r -> offers.containsKey(r.id)).map(this::info));
    }

    private Optional<Record> find(String idOrPrefix) {
        String prefix = idOrPrefix.strip().toLowerCase(java.util.Locale.ROOT);
        if (prefix.isEmpty()) {
            return Optional.empty();
        }
        List<Record> matches = state.records.values().stream().filter(r -> r.id.startsWith(prefix)).toList();
        if (matches.size() > 1) {
            throw new IllegalArgumentException("update id prefix " + idOrPrefix + " is ambiguous: " + matches.size() + " updates");
        }
        return matches.stream().findFirst();
    }

    List<ManagedBundle> installed() {
        return run(() -> {
            Map<String, ManagedBundle> bundles = new TreeMap<>();
            for (Installation i : state.applied) {
                Offer o = offers.get(i.id());
                for (Change c : i.changes()) {
                    bundles.put(c.symbolicName(), new ManagedBundle(c.symbolicName(), c.version().toString(), c.sha256(),
                            i.id(), o == null ? "?" : o.manifest.name, o == null ? "?" : o.manifest.version.toString()));
                }
            }
            return List.copyOf(bundles.values());
        });
    }

    private UpdateInfo info(Record r) {
        Offer o = offers.get(r.id);
        Manifest m = o.manifest;
        Transfer t = transfers.get(r.id);
        List<PeerReport> reports = new ArrayList<>();
        for (Map.Entry<PeerId, AgentState.Report> e : r.reports.entrySet()) {
            AgentState.Report p = e.getValue();
            reports.add(new PeerReport(e.getKey(), p.state(), p.detail(), p.bytesDone(), p.bytesTotal(), p.millis()));
        }
        long done = t != null ? t.bytesDone() : r.bytesDone;
        long total = t != null ? t.bytesTotal() : r.bytesTotal;
        return new UpdateInfo(r.id, m.name, m.version.toString(), m.targetGroup, m.publisher, m.bundleNames(), r.state,
                r.detail, done, total, r.updatedMillis, reports);
    }

    // ================================================================ helpers

    private void setState(Record r, UpdateState s, String detail) {
        r.state = s;
        r.detail = detail == null ? "" : detail;
        r.updatedMillis = scheduler.currentTimeMillis();
        if (r.state != UpdateState.REFUSED) {
            persist();
        }
    }

    /** Tells the node that offered the update where it stands here. */
    private void report(Record r) {
        report(r, r.source);
    }

    private void report(Record r, PeerId to) {
        if (to == null || to.equals(keys.peerId()) || r.role != Role.RECEIVED) {
            return;
        }
        Transfer t = transfers.get(r.id);
        long done = t != null ? t.bytesDone() : r.bytesDone;
        long total = t != null ? t.bytesTotal() : r.bytesTotal;
        send(to, Wire.status(r.id, r.state, done, total, r.detail), r.state.isFinal()
                ? SendOptions.reliable().withLifetime(FINAL_REPORT_LIFETIME) : SendOptions.bestEffort());
    }

    private void send(PeerId to, byte[] payload, SendOptions options) {
        MeshNetwork net = network.get();
        if (net == null || closed) {
            LOG.log(Level.DEBUG, "no mesh: a message to " + to + " is dropped");
            return;
        }
        try {
            net.send(to, Wire.CHANNEL, payload, options).whenComplete((receipt, failure) -> {
                if (failure != null) {
                    LOG.log(Level.DEBUG, "update message to " + to.shortName() + " not delivered: " + failure.getMessage());
                }
            });
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "cannot send an update message to " + to + ": " + e);
        }
    }

    /** Drops the oldest finished records beyond {@value #MAX_RECORDS}, never an installed or published one. */
    private void pruneRecords() {
        List<String> removable = new ArrayList<>();
        for (Record r : state.records.values()) {
            boolean kept = r.state == UpdateState.INSTALLED || r.state == UpdateState.PUBLISHED || !r.state.isFinal()
                    || state.applied.stream().anyMatch(i -> i.id().equals(r.id));
            if (!kept) {
                removable.add(r.id);
            }
        }
        for (int i = 0; i < removable.size() && state.records.size() > MAX_RECORDS; i++) {
            String id = removable.get(i);
            state.records.remove(id);
            offers.remove(id);
            try {
                store.deleteOffer(id);
                store.deleteDownload(id);
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "cannot delete the files of " + id + ": " + e.getMessage());
            }
        }
    }

    /** Deletes stored jars nothing refers to any more. */
    private void collectJars() {
        Set<String> keep = new HashSet<>();
        for (Installation i : state.applied) {
            for (Change c : i.changes()) {
                keep.add(c.sha256());
                if (c.previousSha256() != null) {
                    keep.add(c.previousSha256());
                }
            }
        }
        for (Record r : state.records.values()) {
            boolean needed = r.role == Role.PUBLISHED || r.state == UpdateState.READY
                    || r.state == UpdateState.DOWNLOADING || r.state == UpdateState.INSTALLING
                    || r.state == UpdateState.INSTALLED;
            Offer o = offers.get(r.id);
            if (needed && o != null) {
                o.manifest.bundles.forEach(e -> keep.add(e.sha256Hex()));
            }
        }
        try {
            store.retainJars(keep);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "cannot clean up stored jars: " + e.getMessage());
        }
    }

    private void persist() {
        AgentState copy = new AgentState();
        state.records.values().stream().filter(r -> r.state != UpdateState.REFUSED)
                .forEach(r -> copy.records.put(r.id, r));
        copy.applied.addAll(state.applied);
        copy.pending = state.pending;
        copy.subscribers.addAll(state.subscribers);
        try {
            store.writeState(copy.write());
        } catch (IOException e) {
            LOG.log(Level.ERROR, "cannot save the update agent's state (" + store.stateLocation() + "): " + e.getMessage());
        }
    }

    private static String rootMessage(Throwable t) {
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** Runs {@code work} on the agent's thread and waits for it (directly when already there). */
    private <T> T run(Supplier<T> work) {
        if (scheduler.inSchedulerThread()) {
            return work.get();
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        scheduler.execute(() -> {
            try {
                result.complete(work.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the update agent");
        } catch (TimeoutException e) {
            throw new IllegalStateException("the update agent did not answer within 30 s");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** For tests: the records by id. */
    Collection<Record> records() {
        return run(() -> List.copyOf(state.records.values()));
    }
}
