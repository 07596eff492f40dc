package org.sovereignmesh.dht.internal;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.dht.Dht;
import org.sovereignmesh.dht.DhtException;
import org.sovereignmesh.dht.DhtRecord;
import org.sovereignmesh.dht.PeerRecord;
import org.sovereignmesh.dht.RoutingTableSummary;

/**
 * {@link Dht} over a {@link DhtNode}, plus rendezvous: this node's signed peer record (addresses, transports,
 * region) is published under its DHT id and its region's key, and republished before it expires and whenever the
 * addresses change. Callers may be on any thread: work hops onto the node's loop, results complete on the
 * {@code delivery} executor so no caller code ever runs on the loop.
 */
public final class DhtService implements Dht {
    private static final System.Logger LOG = System.getLogger(DhtService.class.getName());

    /** What this node says about itself in its peer record. */
    public record SelfDescription(List<MeshAddress> addresses, List<String> transports, String region) {
    }

    private final DhtNode node;
    private final Scheduler loop;
    private final Executor delivery;
    private final Supplier<SelfDescription> self;
    private final Duration peerRecordTtl;
    private byte[] publishedPeerRecord;

    public DhtService(DhtNode node, Executor delivery, Supplier<SelfDescription> self, Duration peerRecordTtl) {
        this.node = Objects.requireNonNull(node);
        this.loop = node.scheduler();
        this.delivery = Objects.requireNonNull(delivery);
        this.self = Objects.requireNonNull(self);
        this.peerRecordTtl = peerRecordTtl;
    }

    public DhtNode node() {
        return node;
    }

    @Override
    public PeerId localPeer() {
        return node.localPeer();
    }

    private <T> CompletableFuture<T> onLoop(java.util.function.Consumer<CompletableFuture<T>> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        CompletableFuture<T> delivered = new CompletableFuture<>();
        result.whenComplete((value, error) -> delivery.execute(() -> {
            if (error != null) {
                delivered.completeExceptionally(error);
            } else {
                delivered.complete(value);
            }
        }));
        loop.execute(() -> {
            try {
                work.accept(result);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return delivered;
    }

    @Override
    public CompletionStage<Integer> put(byte[] key, byte[] value, Duration ttl) {
        requireKey(key);
        if (value.length > MAX_VALUE_SIZE) {
            throw new IllegalArgumentException("value of " + value.length + " bytes exceeds the maximum of "
                    + MAX_VALUE_SIZE);
        }
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(node.settings().maxRecordTtl) > 0) {
            throw new IllegalArgumentException("ttl must be positive and at most " + node.settings().maxRecordTtl);
        }
        byte[] k = key.clone();
        byte[] v = value.clone();
        // acknowledged once stored remotely and committed to this node's store
        return this.<Integer>onLoop(f -> node.put(k, v, ttl, n -> node.afterPersisted(() -> f.complete(n))))
                .minimalCompletionStage();
    }

    @Override
    public CompletionStage<List<DhtRecord>> get(byte[] key) {
        requireKey(key);
        byte[] k = key.clone();
        return this.<List<DhtRecord>>onLoop(f -> node.get(k, false, r -> f.complete(toApi(r.records()))))
                .minimalCompletionStage();
    }

    private static List<DhtRecord> toApi(List<SignedRecord> records) {
        List<DhtRecord> list = new ArrayList<>(records.size());
        records.forEach(r -> list.add(r.toApi()));
        return list;
    }

    @Override
    public CompletionStage<PeerRecord> findPeer(PeerId peer) {
        Objects.requireNonNull(peer, "peer");
        return this.<PeerRecord>onLoop(f -> node.findPeer(peer, r -> {
            for (SignedRecord record : r.records()) {
                if (record.publisher().equals(peer)) {
                    try {
                        f.complete(PeerRecords.decode(record));
                        return;
                    } catch (MalformedMessageException e) {
                        LOG.log(Level.DEBUG, "peer record of {0} unreadable: {1}", peer.shortName(), e.getMessage());
                    }
                }
            }
            if (r.target() != null) {
                // the peer answered but has published no record (yet): what the routing information says
                f.complete(new PeerRecord(peer, r.target().addresses(), List.of(), "", 0, 0));
            } else {
                f.completeExceptionally(new DhtException("peer " + peer + " was not found: asked " + r.rpcs()
                        + " nodes (" + r.failures() + " did not answer), no record and no contact"));
            }
        })).minimalCompletionStage();
    }

    @Override
    public CompletionStage<List<PeerRecord>> findRegion(String region) {
        byte[] key = PeerRecords.regionKey(Objects.requireNonNull(region, "region"));
        return this.<List<PeerRecord>>onLoop(f -> node.get(key, true, r -> {
            List<PeerRecord> peers = new ArrayList<>();
            for (SignedRecord record : r.records()) {
                try {
                    PeerRecord p = PeerRecords.decode(record);
                    if (p.region().equals(region)) {
                        peers.add(p);
                    }
                } catch (MalformedMessageException e) {
                    LOG.log(Level.DEBUG, "unreadable peer record under region {0}: {1}", region, e.getMessage());
                }
            }
            f.complete(peers);
        })).minimalCompletionStage();
    }

    @Override
    public CompletionStage<RoutingTableSummary> routingTable() {
        return this.<RoutingTableSummary>onLoop(f -> f.complete(node.summary())).minimalCompletionStage();
    }

    /** Joins through {@code seeds}; completes with the routing table's size. */
    public CompletionStage<Integer> bootstrap(List<Contact> seeds) {
        return this.<Integer>onLoop(f -> node.bootstrap(seeds, f::complete)).minimalCompletionStage();
    }

    /**
     * Publishes this node's peer record under its id and region, unless an identical one was published recently.
     * Must run on the loop.
     *
     * @param force publish even if nothing changed (renewal before expiry)
     */
    public void publishPeerRecord(boolean force) {
        SelfDescription description = self.get();
        byte[] value = PeerRecords.encode(description.addresses(), description.transports(), description.region());
        if (!force && java.util.Arrays.equals(value, publishedPeerRecord)) {
            return;
        }
        publishedPeerRecord = value;
        node.put(node.id().toBytes(), value, peerRecordTtl,
                n -> LOG.log(Level.DEBUG, "peer record published on {0} nodes", String.valueOf(n)));
        if (!description.region().isEmpty()) {
            node.put(PeerRecords.regionKey(description.region()), value, peerRecordTtl,
                    n -> LOG.log(Level.DEBUG, "region record published on {0} nodes", String.valueOf(n)));
        }
    }

    private static void requireKey(byte[] key) {
        if (key == null || key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("a DHT key is " + KEY_LENGTH + " bytes, got "
                    + (key == null ? "null" : key.length));
        }
    }
}
