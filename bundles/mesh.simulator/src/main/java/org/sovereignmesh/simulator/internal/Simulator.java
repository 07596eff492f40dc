package org.sovereignmesh.simulator.internal;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.crypto.MeshCrypto;
import org.sovereignmesh.crypto.internal.LocalNodeKeys;
import org.sovereignmesh.crypto.internal.MeshCryptoImpl;
import org.sovereignmesh.dht.Dht;
import org.sovereignmesh.dht.internal.Contact;
import org.sovereignmesh.dht.internal.DhtCodec;
import org.sovereignmesh.dht.internal.DhtMessage;
import org.sovereignmesh.dht.internal.DhtNode;
import org.sovereignmesh.dht.internal.DhtPersistence;
import org.sovereignmesh.dht.internal.DhtSettings;
import org.sovereignmesh.dht.internal.LookupResult;
import org.sovereignmesh.dht.internal.NodeId;
import org.sovereignmesh.dht.internal.Signatures;
import org.sovereignmesh.time.VirtualScheduler;

/**
 * Runs the real {@link DhtNode} class, N times, on one {@link VirtualScheduler} over a simulated network, and
 * prints what a lookup costs: hops, latency percentiles, success ratio, bytes and requests per lookup, and the heap
 * each simulated node takes (measured after a full GC).
 *
 * <p>The network: every node draws a base delay in [min/2, max/2]; a message takes the sum of both ends' delays
 * (so the one-way latency spans min..max and is stable per pair), and is lost with probability {@code loss}.
 * Messages are the real encoded bytes, decoded by the receiver with the real codec.
 */
public final class Simulator {
    private final Scenario s;
    private final PrintStream out;
    private final VirtualScheduler clock = new VirtualScheduler();
    private final Random random;
    private final int capacity;
    private final DhtNode[] nodes;
    private final Contact[] contacts;
    private final byte[][] keys;
    private final int[] baseDelayMicros;
    private final boolean[] online;
    private final Map<PeerId, Integer> realKeyIndex = new HashMap<>();
    private int created;
    private long messages;
    private long lost;
    private long bytes;
    private final MeshCrypto crypto;
    private final List<Stats> results = new ArrayList<>();
    private long bytesPerNode;

    public Simulator(Scenario scenario, PrintStream out) {
        this.s = scenario;
        this.out = out;
        this.random = new Random(scenario.seed);
        this.capacity = scenario.nodes + (int) Math.ceil(scenario.nodes * scenario.churn) + 1;
        this.nodes = new DhtNode[capacity];
        this.contacts = new Contact[capacity];
        this.keys = new byte[capacity][];
        this.baseDelayMicros = new int[capacity];
        this.online = new boolean[capacity];
        this.crypto = scenario.realCrypto ? new MeshCryptoImpl() : null;
    }

    public static void main(String[] args) {
        if (java.util.Arrays.asList(args).contains("--help")) {
            System.out.print(Scenario.USAGE);
            return;
        }
        Scenario scenario;
        try {
            scenario = Scenario.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        new Simulator(scenario, System.out).run();
    }

    /** @return the figures of every measured phase */
    public List<Stats> run() {
        out.println("scenario: " + s);
        long baseline = usedHeapAfterGc();
        long wallStart = System.nanoTime();
        build();
        long built = System.nanoTime();
        long used = usedHeapAfterGc();
        bytesPerNode = (used - baseline) / s.nodes;
        out.printf("built %,d nodes in %.1f s wall, %.1f s virtual; routing table size mean %.1f; heap %,d MiB =>"
                + " %,d bytes per node (after GC, everything included)%n", s.nodes, (built - wallStart) / 1e9,
                clock.nanoTime() / 1e9, meanTableSize(), (used - baseline) >> 20, bytesPerNode);

        // each phase's figures as soon as it ends, so a long run that is stopped still reports what it measured
        report(measureFindPeer("find peer", s.lookups, () -> randomOnline(-1)));
        report(measureRecords("put/get record", s.records));
        if (s.churn > 0) {
            report(churnPhase());
        }
        out.println();
        out.println(Stats.header());
        results.forEach(r -> out.println(r.row()));
        out.printf("%nmessages %,d (lost %,d), %,d bytes; virtual time %.0f s; scheduler tasks %,d; wall %.1f s;"
                + " %,d bytes of heap per node%n", messages, lost, bytes, clock.nanoTime() / 1e9, clock.tasksRun(),
                (System.nanoTime() - wallStart) / 1e9, bytesPerNode);
        return results;
    }

    private void report(Stats stats) {
        results.add(stats);
        out.println("  " + Stats.header());
        out.println("  " + stats.row());
    }

    public long bytesPerNode() {
        return bytesPerNode;
    }

    // ---------------------------------------------------------------- nodes and network

    private int createNode() {
        int index = created++;
        PeerId peer;
        Signatures signatures;
        if (s.realCrypto) {
            LocalNodeKeys key = LocalNodeKeys.generate();
            peer = key.peerId();
            signatures = new Signatures() {
                @Override
                public byte[] sign(byte[] message) {
                    return key.sign(message);
                }

                @Override
                public boolean verify(PeerId signer, byte[] message, byte[] signature) {
                    return crypto.verify(signer, message, signature);
                }
            };
            realKeyIndex.put(peer, index);
            keys[index] = peer.publicKey();
        } else {
            // a random key whose last four bytes are the node's index: the network finds nodes without a map
            byte[] key = new byte[32];
            random.nextBytes(key);
            ByteBuffer.wrap(key).putInt(28, index);
            keys[index] = key;
            peer = PeerId.fromPublicKey(key);
            signatures = new SimulatedSignatures(key);
        }
        contacts[index] = new Contact(NodeId.ofPeer(peer), peer, List.of());
        int half = Math.max(0, s.maxLatencyMillis - s.minLatencyMillis) * 500;
        baseDelayMicros[index] = s.minLatencyMillis * 500 + (half == 0 ? 0 : random.nextInt(half + 1));
        DhtSettings settings = new DhtSettings();
        settings.k = s.k;
        settings.alpha = s.alpha;
        settings.rpcTimeout = s.rpcTimeout;
        settings.refreshOnJoin = s.refreshOnJoin;
        settings.replacementCacheSize = s.k;
        final int self = index;
        DhtNode node = new DhtNode(peer, signatures, clock, (to, message) -> send(self, to, message),
                DhtPersistence.NONE, settings, this::contactOf, new Random(random.nextLong()));
        node.setSenderInfo(() -> SERVER);
        nodes[index] = node;
        online[index] = true;
        node.start();
        return index;
    }

    private static final DhtMessage.Sender SERVER = new DhtMessage.Sender(true, List.of());

    /** The one shared contact object of a node (memory: tables hold references, not copies). */
    private Contact contactOf(byte[] key, List<MeshAddress> addresses) {
        int index = indexOf(key);
        return index >= 0 ? contacts[index] : DhtCodec.ContactFactory.DEFAULT.contact(key, addresses);
    }

    private int indexOf(byte[] key) {
        if (s.realCrypto) {
            Integer i = realKeyIndex.get(PeerId.fromPublicKey(key));
            return i == null ? -1 : i;
        }
        int index = ByteBuffer.wrap(key).getInt(28);
        return index >= 0 && index < created && Arrays.equals(keys[index], key) ? index : -1;
    }

    private void send(int from, Contact to, byte[] message) {
        messages++;
        bytes += message.length;
        int target = indexOf(to.peer().publicKey());
        if (target < 0 || random.nextDouble() < s.loss) {
            lost++;
            return;
        }
        long delay = (long) (baseDelayMicros[from] + baseDelayMicros[target]) * 1000;
        clock.schedule(() -> {
            if (online[target] && online[from]) {
                nodes[target].receive(contacts[from].peer(), message);
            }
        }, delay, TimeUnit.NANOSECONDS);
    }

    private void leave(int index) {
        online[index] = false;
        nodes[index].close();
    }

    // ---------------------------------------------------------------- phases

    private void build() {
        int[] joined = {0};
        long spacing = TimeUnit.SECONDS.toNanos(1) / s.joinRatePerSecond;
        for (int i = 0; i < s.nodes; i++) {
            int index = createNode();
            List<Contact> seed = index == 0 ? List.of() : List.of(contacts[random.nextInt(index)]);
            clock.schedule(() -> nodes[index].bootstrap(seed, size -> joined[0]++), spacing * i, TimeUnit.NANOSECONDS);
            if (i % 10_000 == 9_999) {
                // let the joins scheduled so far run, so the queue (and memory) stays small
                clock.runFor(Duration.ofNanos(Math.max(0, spacing * i - clock.nanoTime())));
                out.printf("  %,d nodes created, %,d joined, virtual %.0f s%n", i + 1, joined[0], clock.nanoTime() / 1e9);
            }
        }
        clock.runUntil(() -> joined[0] == s.nodes, Duration.ofHours(2));
        if (joined[0] != s.nodes) {
            throw new IllegalStateException(joined[0] + " of " + s.nodes + " nodes finished joining");
        }
        clock.runFor(Duration.ofSeconds(30));
    }

    private int randomOnline(int except) {
        while (true) {
            int i = random.nextInt(created);
            if (online[i] && i != except) {
                return i;
            }
        }
    }

    private Stats measureFindPeer(String phase, int count, IntSupplier targets) {
        Stats stats = new Stats(phase);
        int[] started = {0};
        int[] finished = {0};
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            if (started[0] >= count) {
                return;
            }
            started[0]++;
            int target = targets.getAsInt();
            int from = randomOnline(target);
            PeerId wanted = contacts[target].peer();
            nodes[from].findPeer(wanted, r -> {
                stats.add(r, r.target() != null && r.target().peer().equals(wanted));
                finished[0]++;
                next[0].run();
            });
        };
        for (int i = 0; i < s.concurrentLookups; i++) {
            next[0].run();
        }
        clock.runUntil(() -> finished[0] == count, Duration.ofHours(2));
        return stats;
    }

    private Stats measureRecords(String phase, int count) {
        byte[][] recordKeys = new byte[count][];
        int[] publishers = new int[count];
        int[] stored = {0};
        for (int i = 0; i < count; i++) {
            recordKeys[i] = Dht.key("sim-record-" + i);
            publishers[i] = randomOnline(-1);
            byte[] value = ("value " + i + " " + "x".repeat(80)).getBytes(StandardCharsets.UTF_8);
            nodes[publishers[i]].put(recordKeys[i], value, Duration.ofHours(2), n -> stored[0]++);
        }
        clock.runUntil(() -> stored[0] == count, Duration.ofHours(1));
        Stats stats = new Stats(phase);
        int[] done = {0};
        for (int i = 0; i < count; i++) {
            int reader = randomOnline(publishers[i]);
            PeerId publisher = contacts[publishers[i]].peer();
            nodes[reader].get(recordKeys[i], false, r -> {
                boolean ok = r.records().stream().anyMatch(rec -> rec.publisher().equals(publisher));
                stats.add(r, ok);
                done[0]++;
            });
            if (i % s.concurrentLookups == s.concurrentLookups - 1) {
                clock.runUntil(() -> false, Duration.ofMillis(1));
            }
        }
        clock.runUntil(() -> done[0] == count, Duration.ofHours(1));
        return stats;
    }

    /** A fraction of the nodes leave and as many join, spread over the churn period, while lookups run. */
    private Stats churnPhase() {
        int changes = (int) Math.round(s.nodes * s.churn);
        boolean[] leaving = new boolean[capacity];
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < created; i++) {
            candidates.add(i);
        }
        java.util.Collections.shuffle(candidates, random);
        long period = s.churnPeriod.toNanos();
        for (int i = 0; i < changes; i++) {
            int index = candidates.get(i);
            leaving[index] = true;
            clock.schedule(() -> leave(index), (long) (random.nextDouble() * period), TimeUnit.NANOSECONDS);
            clock.schedule(() -> {
                int joiner = createNode();
                nodes[joiner].bootstrap(List.of(contacts[randomOnline(joiner)]), size -> { });
            }, (long) (random.nextDouble() * period), TimeUnit.NANOSECONDS);
        }
        long end = clock.nanoTime() + period;
        // lookups during the whole period, for targets that stay (a departed target cannot be found)
        Stats stats = new Stats("find peer, " + Math.round(s.churn * 100) + "% churn");
        int[] finished = {0};
        int[] started = {0};
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            if (clock.nanoTime() >= end || started[0] >= s.lookups) {
                return;
            }
            started[0]++;
            int target;
            do {
                target = randomOnline(-1);
            } while (leaving[target]);
            int from = randomOnline(target);
            PeerId wanted = contacts[target].peer();
            nodes[from].findPeer(wanted, r -> {
                stats.add(r, r.target() != null && r.target().peer().equals(wanted));
                finished[0]++;
                // spread the lookups over the period
                clock.schedule(next[0], period / Math.max(1, s.lookups / s.concurrentLookups), TimeUnit.NANOSECONDS);
            });
        };
        for (int i = 0; i < s.concurrentLookups; i++) {
            next[0].run();
        }
        clock.runUntil(() -> clock.nanoTime() >= end && finished[0] == started[0], Duration.ofHours(2));
        out.printf("churn: %,d nodes left and %,d joined over %d virtual minutes%n", changes, changes,
                s.churnPeriod.toMinutes());
        return stats;
    }

    private double meanTableSize() {
        long sum = 0;
        int n = 0;
        for (int i = 0; i < created; i++) {
            if (online[i]) {
                sum += nodes[i].tableSize();
                n++;
            }
        }
        return n == 0 ? 0 : (double) sum / n;
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }

    /**
     * Same sizes and code paths as Ed25519 records (64-byte signatures, checked on every store and read), at a
     * fraction of the cost: SHA-256 of the signer's key and the message, twice. Not secure: simulation only.
     */
    static final class SimulatedSignatures implements Signatures {
        private final byte[] key;

        SimulatedSignatures(byte[] key) {
            this.key = key;
        }

        @Override
        public byte[] sign(byte[] message) {
            return signature(key, message);
        }

        @Override
        public boolean verify(PeerId signer, byte[] message, byte[] signature) {
            return Arrays.equals(signature(signer.publicKey(), message), signature);
        }

        static byte[] signature(byte[] key, byte[] message) {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                sha.update(key);
                byte[] first = sha.digest(message);
                sha.update(first);
                byte[] second = sha.digest(key);
                byte[] out = Arrays.copyOf(first, 64);
                System.arraycopy(second, 0, out, 32, 32);
                return out;
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
