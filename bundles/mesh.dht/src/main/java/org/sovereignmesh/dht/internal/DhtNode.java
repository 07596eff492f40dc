package org.sovereignmesh.dht.internal;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.time.Cancellable;
import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.dht.RoutingTableSummary;
import org.sovereignmesh.dht.internal.DhtCodec.ContactFactory;
import org.sovereignmesh.dht.internal.DhtMessage.FindNode;
import org.sovereignmesh.dht.internal.DhtMessage.FindValue;
import org.sovereignmesh.dht.internal.DhtMessage.Nodes;
import org.sovereignmesh.dht.internal.DhtMessage.Ping;
import org.sovereignmesh.dht.internal.DhtMessage.Pong;
import org.sovereignmesh.dht.internal.DhtMessage.Request;
import org.sovereignmesh.dht.internal.DhtMessage.Sender;
import org.sovereignmesh.dht.internal.DhtMessage.Store;
import org.sovereignmesh.dht.internal.DhtMessage.Value;

/**
 * A Kademlia node in plain Java: routing table, RPCs, iterative parallel lookups, signed record storage with quotas,
 * republishing, replication, expiry and bucket refresh. The same class runs in an OSGi node (wrapped by
 * {@code DhtComponent}, talking over the mesh) and, by the hundred thousand, in the simulator.
 *
 * <p>All state is confined to the {@link Scheduler}'s thread: every public method must be called on it, and
 * callbacks run on it. The node never blocks and never reads a clock other than the scheduler's.
 */
public final class DhtNode {
    private static final System.Logger LOG = System.getLogger(DhtNode.class.getName());

    private final PeerId localPeer;
    private final Contact self;
    private final Signatures signatures;
    private final Scheduler scheduler;
    private final DhtNetwork network;
    private final DhtPersistence persistence;
    private final DhtSettings settings;
    private final ContactFactory contacts;
    private final RandomGenerator random;
    private final RoutingTable table;
    private Supplier<Sender> senderInfo = () -> Sender.CLIENT;

    private final Map<Long, Pending> pending = new HashMap<>();
    private long nextRpc;
    private final Map<NodeId, Map<PeerId, Stored>> records = new HashMap<>();
    private final Map<PeerId, int[]> usageByPublisher = new HashMap<>();
    private final Map<NodeId, SignedRecord> originals = new HashMap<>();
    private final Set<NodeId> pinging = new HashSet<>();
    private int storedCount;
    private long storedBytes;
    private final List<Cancellable> timers = new ArrayList<>();
    private boolean closed;

    /** Traffic counters, for operators and the simulator. */
    private long messagesIn;
    private long messagesOut;
    private long malformedIn;

    private static final class Stored {
        final SignedRecord record;
        final boolean original;
        long lastStoredNanos;

        Stored(SignedRecord record, boolean original, long at) {
            this.record = record;
            this.original = original;
            this.lastStoredNanos = at;
        }
    }

    private static final class Pending {
        final Contact to;
        final Consumer<DhtMessage> onAnswer;
        final Runnable onFailure;
        final int requestSize;
        Cancellable timeout;

        Pending(Contact to, Consumer<DhtMessage> onAnswer, Runnable onFailure, int requestSize) {
            this.to = to;
            this.onAnswer = onAnswer;
            this.onFailure = onFailure;
            this.requestSize = requestSize;
        }
    }

    public DhtNode(PeerId localPeer, Signatures signatures, Scheduler scheduler, DhtNetwork network,
            DhtPersistence persistence, DhtSettings settings, ContactFactory contacts, RandomGenerator random) {
        this.localPeer = Objects.requireNonNull(localPeer, "localPeer");
        this.signatures = Objects.requireNonNull(signatures, "signatures");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.network = Objects.requireNonNull(network, "network");
        this.persistence = Objects.requireNonNull(persistence, "persistence");
        this.settings = settings.validate();
        this.contacts = Objects.requireNonNull(contacts, "contacts");
        this.random = Objects.requireNonNull(random, "random");
        this.self = contacts.contact(localPeer.publicKey(), List.of());
        this.table = new RoutingTable(self.id(), settings.k, settings.replacementCacheSize, settings.maxFailures);
        this.nextRpc = random.nextLong();
    }

    /** @param info what this node says about itself in requests (routable? where it listens) */
    public void setSenderInfo(Supplier<Sender> info) {
        this.senderInfo = Objects.requireNonNull(info);
    }

    public PeerId localPeer() {
        return localPeer;
    }

    public NodeId id() {
        return self.id();
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public DhtSettings settings() {
        return settings;
    }

    // ---------------------------------------------------------------- lifecycle

    /** Starts the periodic maintenance (refresh, republish, replicate, expiry, save), each at a random phase. */
    public void start() {
        if (!settings.maintenance) {
            return;
        }
        every(settings.expiryInterval, this::expire);
        every(settings.refreshInterval.dividedBy(4), this::refreshStaleBuckets);
        every(settings.republishInterval, this::republishOriginals);
        every(settings.replicateInterval, this::replicate);
        every(settings.saveInterval, this::saveContacts);
    }

    private void every(java.time.Duration period, Runnable task) {
        long nanos = Math.max(1, period.toNanos());
        long phase = Math.floorMod(random.nextLong(), nanos);
        timers.add(scheduler.scheduleAtFixedRate(() -> {
            if (!closed) {
                task.run();
            }
        }, phase, nanos, TimeUnit.NANOSECONDS));
    }

    /** Stops timers, fails outstanding requests and saves the routing table. */
    public void close() {
        if (closed) {
            return;
        }
        saveContacts();
        closed = true;
        timers.forEach(Cancellable::cancel);
        timers.clear();
        for (Pending p : new ArrayList<>(pending.values())) {
            p.timeout.cancel();
        }
        List<Pending> outstanding = new ArrayList<>(pending.values());
        pending.clear();
        outstanding.forEach(p -> p.onFailure.run());
    }

    /** Puts contacts remembered from an earlier run into the routing table (they are checked as they are used). */
    public void restoreContacts(List<Contact> remembered) {
        int now = nowSeconds();
        for (Contact c : remembered) {
            table.seen(c, now);
        }
    }

    /** Puts records remembered from an earlier run back, dropping the expired and the invalid. */
    public void restoreRecord(SignedRecord record, boolean original) {
        if (record.expiresAtMillis() <= scheduler.currentTimeMillis() || !record.verify(signatures)) {
            persistence.recordRemoved(record.key(), record.publisher());
            return;
        }
        keep(record, original, false);
        if (original) {
            originals.put(record.keyId(), record);
        }
    }

    /**
     * Joins through {@code seeds}: they go into the table, a lookup of our own id fills the nearby buckets, then
     * (Kademlia's join) every bucket farther than our closest neighbour is refreshed.
     *
     * @param done called with the routing table's size when the join is over
     */
    public void bootstrap(List<Contact> seeds, Consumer<Integer> done) {
        int now = nowSeconds();
        for (Contact seed : seeds) {
            if (!seed.id().equals(self.id())) {
                table.seen(seed, now);
            }
        }
        lookup(self.id(), LookupKind.NODES, null, selfLookup -> {
            if (!settings.refreshOnJoin) {
                done.accept(table.size());
                return;
            }
            int closest = table.closestNonEmptyBucket();
            refreshBuckets(0, closest, () -> done.accept(table.size()));
        });
    }

    /** Refreshes buckets {@code from} .. {@code to - 1}, one lookup after another. */
    private void refreshBuckets(int from, int to, Runnable done) {
        if (from >= to || closed) {
            done.run();
            return;
        }
        lookup(self.id().randomWithSharedPrefix(from, random), LookupKind.NODES, null,
                r -> refreshBuckets(from + 1, to, done));
    }

    // ---------------------------------------------------------------- incoming

    /** A message from {@code from} (authenticated by the mesh, or by the simulated network). */
    public void receive(PeerId from, byte[] bytes) {
        if (closed) {
            return;
        }
        messagesIn++;
        DhtMessage message;
        try {
            message = DhtCodec.decode(bytes, contacts);
        } catch (MalformedMessageException e) {
            malformedIn++;
            LOG.log(Level.DEBUG, "dropping a malformed DHT message from {0}: {1}", from.shortName(), e.getMessage());
            return;
        }
        if (message instanceof Request request) {
            answer(from, request);
        } else {
            Pending p = pending.get(message.rpc());
            if (p == null || !p.to.peer().equals(from)) {
                return; // late, duplicated, or someone answering a question we did not ask them
            }
            pending.remove(message.rpc());
            p.timeout.cancel();
            table.seen(p.to, nowSeconds());
            lookupBytesIn = bytes.length;
            p.onAnswer.accept(message);
        }
    }

    /** Bytes of the answer being handled, for the lookup that asked. */
    private int lookupBytesIn;

    /** {@code peer} cannot be reached now: fail its outstanding requests at once instead of waiting for timeouts. */
    public void unreachable(PeerId peer) {
        List<Long> failed = new ArrayList<>();
        pending.forEach((rpc, p) -> {
            if (p.to.peer().equals(peer)) {
                failed.add(rpc);
            }
        });
        for (Long rpc : failed) {
            fail(rpc);
        }
    }

    private void answer(PeerId from, Request request) {
        Contact requester = contacts.contact(from.publicKey(), request.sender().addresses());
        if (request.sender().server()) {
            noteAlive(requester);
        }
        DhtMessage reply;
        if (request instanceof Ping p) {
            reply = new Pong(p.rpc());
        } else if (request instanceof FindNode f) {
            reply = new Nodes(f.rpc(), closestExcept(f.target(), requester));
        } else if (request instanceof FindValue f) {
            List<SignedRecord> found = recordsFor(f.key());
            reply = new Value(f.rpc(), found, found.isEmpty() ? closestExcept(f.key(), requester) : List.of());
        } else {
            Store s = (Store) request;
            reply = new DhtMessage.Stored(s.rpc(), accept(s.record()));
        }
        send(requester, reply);
    }

    private List<Contact> closestExcept(NodeId target, Contact requester) {
        List<Contact> list = table.closest(target, settings.k + 1);
        list.removeIf(c -> c.id().equals(requester.id()));
        return list.size() > settings.k ? list.subList(0, settings.k) : list;
    }

    /** Records of a key for a FIND_VALUE answer, within the message size bound. */
    private List<SignedRecord> recordsFor(NodeId key) {
        Map<PeerId, Stored> byPublisher = records.get(key);
        if (byPublisher == null) {
            return List.of();
        }
        long now = scheduler.currentTimeMillis();
        List<SignedRecord> list = new ArrayList<>();
        int size = 16;
        for (Stored s : byPublisher.values()) {
            if (s.record.expiresAtMillis() <= now) {
                continue;
            }
            size += s.record.encodedSize();
            if (list.size() == DhtCodec.MAX_RECORDS || size > DhtCodec.MAX_MESSAGE_SIZE - 64) {
                break;
            }
            list.add(s.record);
        }
        return list;
    }

    /** Someone proved it is alive: into the table; if its bucket is full, check the bucket's stalest member. */
    private void noteAlive(Contact contact) {
        int now = nowSeconds();
        if (table.seen(contact, now) != RoutingTable.Outcome.CACHED) {
            return;
        }
        long staleSeconds = settings.staleAfter.toSeconds();
        Contact head = table.headOfFullBucket(contact.id(), (int) (now - staleSeconds));
        if (head != null && pinging.add(head.id())) {
            request(head, rpc -> new Ping(rpc, senderInfo.get()), answer -> pinging.remove(head.id()),
                    () -> pinging.remove(head.id()));
        }
    }

    // ---------------------------------------------------------------- records

    /** Validates and stores a record sent by someone else; returns a STORED status. */
    int accept(SignedRecord record) {
        long now = scheduler.currentTimeMillis();
        if (record.expiresAtMillis() <= now
                || record.expiresAtMillis() > now + settings.maxRecordTtl.toMillis() + settings.clockSkew.toMillis()) {
            return DhtCodec.STORED_INVALID;
        }
        Map<PeerId, Stored> byPublisher = records.get(record.keyId());
        Stored existing = byPublisher == null ? null : byPublisher.get(record.publisher());
        if (existing != null) {
            if (existing.record.sequence() > record.sequence()) {
                return DhtCodec.STORED_STALE;
            }
            if (existing.record.sequence() == record.sequence()
                    && existing.record.expiresAtMillis() >= record.expiresAtMillis()) {
                existing.lastStoredNanos = scheduler.nanoTime();
                return DhtCodec.STORED_OK; // a copy we already hold
            }
        }
        if (!record.verify(signatures)) {
            return DhtCodec.STORED_INVALID;
        }
        if (!record.publisher().equals(localPeer) && !withinQuota(record, existing, byPublisher)) {
            return DhtCodec.STORED_QUOTA;
        }
        keep(record, existing != null && existing.original, true);
        return DhtCodec.STORED_OK;
    }

    private boolean withinQuota(SignedRecord record, Stored existing, Map<PeerId, Stored> byPublisher) {
        int[] usage = usageByPublisher.get(record.publisher());
        int count = usage == null ? 0 : usage[0];
        long bytes = usage == null ? 0 : usage[1];
        int replacedBytes = existing == null ? 0 : existing.record.valueLength();
        int added = existing == null ? 1 : 0;
        return count + added <= settings.maxRecordsPerPublisher
                && bytes - replacedBytes + record.valueLength() <= settings.maxBytesPerPublisher
                && storedCount + added <= settings.maxRecords
                && storedBytes - replacedBytes + record.valueLength() <= settings.maxBytes
                && (existing != null || byPublisher == null || byPublisher.size() < settings.maxRecordsPerKey);
    }

    private void keep(SignedRecord record, boolean original, boolean persist) {
        Map<PeerId, Stored> byPublisher = records.computeIfAbsent(record.keyId(), k -> new HashMap<>(4));
        Stored previous = byPublisher.put(record.publisher(), new Stored(record, original, scheduler.nanoTime()));
        int[] usage = usageByPublisher.computeIfAbsent(record.publisher(), p -> new int[2]);
        if (previous != null) {
            usage[0]--;
            usage[1] -= previous.record.valueLength();
            storedCount--;
            storedBytes -= previous.record.valueLength();
        }
        usage[0]++;
        usage[1] += record.valueLength();
        storedCount++;
        storedBytes += record.valueLength();
        if (persist) {
            persistence.recordStored(record, original);
        }
    }

    private void drop(NodeId key, PeerId publisher) {
        Map<PeerId, Stored> byPublisher = records.get(key);
        Stored removed = byPublisher == null ? null : byPublisher.remove(publisher);
        if (removed == null) {
            return;
        }
        if (byPublisher.isEmpty()) {
            records.remove(key);
        }
        int[] usage = usageByPublisher.get(publisher);
        usage[0]--;
        usage[1] -= removed.record.valueLength();
        if (usage[0] == 0) {
            usageByPublisher.remove(publisher);
        }
        storedCount--;
        storedBytes -= removed.record.valueLength();
    }

    private void expire() {
        long now = scheduler.currentTimeMillis();
        List<SignedRecord> expired = new ArrayList<>();
        for (Map<PeerId, Stored> byPublisher : records.values()) {
            for (Stored s : byPublisher.values()) {
                if (s.record.expiresAtMillis() <= now) {
                    expired.add(s.record);
                }
            }
        }
        for (SignedRecord r : expired) {
            drop(r.keyId(), r.publisher());
        }
        originals.values().removeIf(r -> r.expiresAtMillis() <= now);
        if (!expired.isEmpty()) {
            persistence.expireBefore(now);
        }
    }

    /**
     * Signs and publishes a record of this node: kept here, then stored on the k closest nodes, and republished
     * until it expires.
     *
     * @param done called with how many nodes hold the record (this one included)
     */
    public void put(byte[] key, byte[] value, java.time.Duration ttl, Consumer<Integer> done) {
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(settings.maxRecordTtl) > 0) {
            throw new IllegalArgumentException("ttl must be positive and at most " + settings.maxRecordTtl);
        }
        NodeId keyId = NodeId.of(key);
        SignedRecord previous = originals.get(keyId);
        long now = scheduler.currentTimeMillis();
        long sequence = Math.max(previous == null ? 0 : previous.sequence() + 1, now);
        SignedRecord record = SignedRecord.sign(key, value, sequence, now + ttl.toMillis(), localPeer, signatures);
        originals.put(keyId, record);
        keep(record, true, true);
        storeOnClosest(record, remote -> done.accept(remote + 1));
    }

    /** Runs {@code then} (on the loop) once everything this node handed to its persistence so far is durable. */
    public void afterPersisted(Runnable then) {
        persistence.afterWrites(() -> scheduler.execute(then));
    }

    /** Looks the key up and sends the record to the k closest nodes found; reports how many accepted it. */
    private void storeOnClosest(SignedRecord record, Consumer<Integer> accepted) {
        lookup(record.keyId(), LookupKind.NODES, null, result -> {
            List<Contact> targets = result.closest();
            if (targets.isEmpty()) {
                accepted.accept(0);
                return;
            }
            int[] outstanding = {targets.size()};
            int[] ok = {0};
            for (Contact c : targets) {
                request(c, rpc -> new Store(rpc, senderInfo.get(), record), answer -> {
                    if (answer instanceof DhtMessage.Stored s && s.status() == DhtCodec.STORED_OK) {
                        ok[0]++;
                    }
                    if (--outstanding[0] == 0) {
                        accepted.accept(ok[0]);
                    }
                }, () -> {
                    if (--outstanding[0] == 0) {
                        accepted.accept(ok[0]);
                    }
                });
            }
        });
    }

    private void republishOriginals() {
        long now = scheduler.currentTimeMillis();
        for (SignedRecord r : new ArrayList<>(originals.values())) {
            if (r.expiresAtMillis() > now) {
                storeOnClosest(r, n -> LOG.log(Level.DEBUG, "republished {0} to {1} nodes", r, String.valueOf(n)));
            }
        }
    }

    /** Kademlia's replication: records nobody re-stored here for an interval are pushed to the current k closest. */
    private void replicate() {
        long horizon = scheduler.nanoTime() - settings.replicateInterval.toNanos();
        List<SignedRecord> due = new ArrayList<>();
        for (Map<PeerId, Stored> byPublisher : records.values()) {
            for (Stored s : byPublisher.values()) {
                if (!s.original && s.lastStoredNanos < horizon) {
                    due.add(s.record);
                    s.lastStoredNanos = scheduler.nanoTime();
                }
            }
        }
        for (SignedRecord r : due) {
            storeOnClosest(r, n -> { });
        }
    }

    /** @return valid records stored here under {@code key} */
    public List<SignedRecord> localRecords(byte[] key) {
        return recordsFor(NodeId.of(key));
    }

    // ---------------------------------------------------------------- lookups

    /** What a lookup asks and when it may stop early. */
    public enum LookupKind {
        /** FIND_NODE until the k closest have answered. */
        NODES,
        /** FIND_VALUE; stops at the first answer with records. */
        VALUE,
        /** FIND_VALUE until the k closest have answered, gathering every publisher's record (regions). */
        ALL_VALUES,
        /** FIND_VALUE for a peer's id; stops when the peer's own record is found or the peer itself answers. */
        PEER
    }

    /** Finds the nodes closest to {@code target} (and records, for value lookups); {@code done} gets the result. */
    public void lookup(NodeId target, LookupKind kind, PeerId wanted, Consumer<LookupResult> done) {
        new Lookup(target, kind, wanted, done).start();
    }

    /** A lookup for the records of {@code key}: local ones merged with those found. */
    public void get(byte[] key, boolean allPublishers, Consumer<LookupResult> done) {
        lookup(NodeId.of(key), allPublishers ? LookupKind.ALL_VALUES : LookupKind.VALUE, null, done);
    }

    /** Finds {@code peer}: its own signed record under its id, or the peer itself answering. */
    public void findPeer(PeerId peer, Consumer<LookupResult> done) {
        lookup(NodeId.ofPeer(peer), LookupKind.PEER, peer, done);
    }

    private final class Lookup {
        private static final byte NEW = 0;
        private static final byte ASKED = 1;
        private static final byte ANSWERED = 2;
        private static final byte FAILED = 3;

        final NodeId target;
        final LookupKind kind;
        final PeerId wanted;
        final Consumer<LookupResult> done;
        final long startNanos = scheduler.nanoTime();
        final List<Candidate> candidates = new ArrayList<>();
        final Set<NodeId> known = new HashSet<>(256);
        final Map<PeerId, SignedRecord> found = new TreeMap<>();
        int inFlight;
        int rpcs;
        int failures;
        long bytesSent;
        long bytesReceived;
        int hops = -1;
        Contact targetContact;
        boolean finished;

        final class Candidate {
            final Contact contact;
            final int depth;
            byte state;
            byte tries;

            Candidate(Contact contact, int depth) {
                this.contact = contact;
                this.depth = depth;
            }
        }

        Lookup(NodeId target, LookupKind kind, PeerId wanted, Consumer<LookupResult> done) {
            this.target = target;
            this.kind = kind;
            this.wanted = wanted;
            this.done = done;
        }

        void start() {
            table.refreshed(target, nowSeconds());
            if (kind != LookupKind.NODES) {
                for (SignedRecord r : recordsFor(target)) {
                    found.put(r.publisher(), r);
                }
                if (!found.isEmpty() && kind == LookupKind.VALUE || satisfied()) {
                    hops = 0;
                    finish();
                    return;
                }
            }
            // more than k from our own table: if the closest ones are gone, the next ones take their turn
            for (Contact c : table.closest(target, settings.k * 3)) {
                add(c, 0);
            }
            advance();
        }

        private boolean satisfied() {
            return kind == LookupKind.PEER && wanted != null
                    && (found.containsKey(wanted) || wanted.equals(localPeer));
        }

        private void add(Contact c, int depth) {
            if (c.id().equals(self.id()) || !known.add(c.id())) {
                return;
            }
            Candidate candidate = new Candidate(c, depth);
            int at = 0;
            while (at < candidates.size() && target.compareDistance(candidates.get(at).contact.id(), c.id()) < 0) {
                at++;
            }
            int window = settings.k * 3;
            if (at >= window) {
                return;
            }
            candidates.add(at, candidate);
            if (candidates.size() > window) {
                Candidate dropped = candidates.remove(candidates.size() - 1);
                if (dropped.state == ASKED) {
                    candidates.add(dropped); // still waiting for it; it goes when it answers
                }
            }
        }

        /** Asks the closest unasked candidates among the k closest live ones, alpha at a time; or finishes. */
        private void advance() {
            if (finished) {
                return;
            }
            int live = 0;
            for (int i = 0; i < candidates.size() && live < settings.k && inFlight < settings.alpha; i++) {
                Candidate c = candidates.get(i);
                if (c.state == FAILED) {
                    continue;
                }
                live++;
                if (c.state == NEW) {
                    ask(c);
                }
            }
            if (inFlight == 0) {
                finish();
            }
        }

        private void ask(Candidate c) {
            c.state = ASKED;
            inFlight++;
            rpcs++;
            int size = request(c.contact, rpc -> kind == LookupKind.NODES ? new FindNode(rpc, senderInfo.get(), target)
                    : new FindValue(rpc, senderInfo.get(), target), answer -> answered(c, answer), () -> failed(c));
            bytesSent += size;
        }

        private void answered(Candidate c, DhtMessage answer) {
            inFlight--;
            bytesReceived += lookupBytesIn;
            if (finished) {
                return;
            }
            c.state = ANSWERED;
            if (c.contact.id().equals(target)) {
                targetContact = c.contact;
                if (kind == LookupKind.PEER && hops < 0) {
                    hops = c.depth + 1;
                }
            }
            List<Contact> more = List.of();
            if (answer instanceof Nodes n) {
                more = n.contacts();
            } else if (answer instanceof Value v) {
                more = v.contacts();
                boolean any = false;
                for (SignedRecord r : v.records()) {
                    if (!r.keyId().equals(target) || r.expiresAtMillis() <= scheduler.currentTimeMillis()) {
                        continue;
                    }
                    SignedRecord have = found.get(r.publisher());
                    if (have != null && have.sequence() >= r.sequence()) {
                        continue;
                    }
                    if (!r.verify(signatures)) {
                        continue; // a liar: its answer is ignored
                    }
                    found.put(r.publisher(), r);
                    any = true;
                }
                if (any && hops < 0 && (kind != LookupKind.PEER || found.containsKey(wanted))) {
                    hops = c.depth + 1;
                }
            }
            for (Contact m : more) {
                add(m, c.depth + 1);
            }
            if (kind == LookupKind.VALUE && !found.isEmpty()
                    || kind == LookupKind.PEER && (found.containsKey(wanted) || targetContact != null)) {
                finish();
                return;
            }
            advance();
        }

        /** A lost request is asked once more (lossy media); a second failure rules the candidate out. */
        private void failed(Candidate c) {
            inFlight--;
            failures++;
            c.state = ++c.tries < 2 ? NEW : FAILED;
            advance();
        }

        private void finish() {
            if (finished) {
                return;
            }
            finished = true;
            List<Contact> closest = new ArrayList<>(settings.k);
            int deepest = 0;
            for (Candidate c : candidates) {
                if (c.state == ANSWERED && closest.size() < settings.k) {
                    closest.add(c.contact);
                    deepest = Math.max(deepest, c.depth + 1);
                }
            }
            if (hops < 0 && kind == LookupKind.NODES && !closest.isEmpty()) {
                hops = deepest;
            }
            if (kind == LookupKind.NODES && targetContact == null) {
                targetContact = closest.isEmpty() || !closest.get(0).id().equals(target) ? null : closest.get(0);
            }
            LookupResult result = new LookupResult(closest, List.copyOf(found.values()), targetContact, hops, rpcs,
                    failures, bytesSent, bytesReceived, scheduler.nanoTime() - startNanos);
            done.accept(result);
        }
    }

    // ---------------------------------------------------------------- RPC plumbing

    @FunctionalInterface
    private interface RequestFactory {
        DhtMessage create(long rpc);
    }

    /** Sends a request; exactly one of the callbacks runs, later. Returns the request's size in bytes. */
    private int request(Contact to, RequestFactory factory, Consumer<DhtMessage> onAnswer, Runnable onFailure) {
        long rpc = nextRpc++;
        DhtMessage message = factory.create(rpc);
        byte[] bytes = DhtCodec.encode(message);
        Pending p = new Pending(to, onAnswer, onFailure, bytes.length);
        pending.put(rpc, p);
        p.timeout = scheduler.schedule(() -> fail(rpc), settings.rpcTimeout.toNanos(), TimeUnit.NANOSECONDS);
        messagesOut++;
        network.send(to, bytes);
        return bytes.length;
    }

    private void fail(long rpc) {
        Pending p = pending.remove(rpc);
        if (p == null) {
            return;
        }
        p.timeout.cancel();
        table.failed(p.to);
        p.onFailure.run();
    }

    private void send(Contact to, DhtMessage message) {
        messagesOut++;
        network.send(to, DhtCodec.encode(message));
    }

    private int nowSeconds() {
        return (int) TimeUnit.NANOSECONDS.toSeconds(scheduler.nanoTime());
    }

    // ---------------------------------------------------------------- maintenance

    private void refreshStaleBuckets() {
        int now = nowSeconds();
        int horizon = now - (int) settings.refreshInterval.toSeconds();
        int closest = table.closestNonEmptyBucket();
        for (int i = 0; i <= closest; i++) {
            RoutingTable.Bucket b = table.bucketAt(i);
            if (b == null || b.lastRefreshed <= horizon) {
                NodeId target = self.id().randomWithSharedPrefix(i, random);
                lookup(target, LookupKind.NODES, null, r -> { });
                // an empty bucket is refreshed hourly too, not at every check
                table.markRefreshed(i, now);
            }
        }
    }

    private void saveContacts() {
        if (closed || persistence == DhtPersistence.NONE) {
            return;
        }
        persistence.saveContacts(table.all(), scheduler.currentTimeMillis());
    }

    // ---------------------------------------------------------------- views

    /** @return the routing table's contacts */
    public List<Contact> contacts() {
        return table.all();
    }

    public int tableSize() {
        return table.size();
    }

    /** @return a known contact for {@code peer}, if the routing table has one */
    public Contact knownContact(PeerId peer) {
        return table.find(NodeId.ofPeer(peer));
    }

    /**
     * Pings {@code contact}; if it answers it joins the routing table (a neighbour the mesh just linked may or may
     * not run the DHT).
     */
    public void ping(Contact contact, Consumer<Boolean> done) {
        if (contact.id().equals(self.id())) {
            done.accept(true);
            return;
        }
        request(contact, rpc -> new Ping(rpc, senderInfo.get()), answer -> done.accept(true), () -> done.accept(false));
    }

    public RoutingTableSummary summary() {
        int now = nowSeconds();
        List<RoutingTableSummary.Bucket> buckets = new ArrayList<>();
        for (int i = 0; i < table.bucketCount(); i++) {
            RoutingTable.Bucket b = table.bucketAt(i);
            if (b != null && (b.size > 0 || b.replacementCount > 0)) {
                int oldest = b.size == 0 ? now : Arrays.stream(b.lastSeen, 0, b.size).min().orElse(now);
                buckets.add(new RoutingTableSummary.Bucket(i, b.size, b.replacementCount, now - oldest));
            }
        }
        return new RoutingTableSummary(self.id().toHex(), settings.k, table.size(), buckets, storedCount, storedBytes,
                originals.size());
    }

    public int storedRecords() {
        return storedCount;
    }

    public long messagesIn() {
        return messagesIn;
    }

    public long messagesOut() {
        return messagesOut;
    }

    public long malformedIn() {
        return malformedIn;
    }

    int pendingRequests() {
        return pending.size();
    }

    /** @return records this node publishes itself */
    public List<SignedRecord> originals() {
        return List.copyOf(originals.values());
    }

}
