package org.sovereignmesh.dht.internal;

import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.sovereignmesh.api.MeshMessage;
import org.sovereignmesh.api.MeshNetwork;
import org.sovereignmesh.api.MessageHandler;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.TransportEvent;
import org.sovereignmesh.api.transport.TransportEventListener;
import org.sovereignmesh.api.transport.TransportInfo;
import org.sovereignmesh.api.transport.TransportManager;
import org.sovereignmesh.crypto.MeshCrypto;
import org.sovereignmesh.crypto.NodeKeys;
import org.sovereignmesh.dht.Dht;
import org.sovereignmesh.dht.DhtRecord;
import org.sovereignmesh.dht.PeerRecord;
import org.sovereignmesh.dht.RoutingTableSummary;
import org.sovereignmesh.store.MeshStore;
import org.sovereignmesh.time.SystemScheduler;

/**
 * The DHT inside OSGi: builds a {@link DhtNode} from configuration, feeds it the {@value MeshDhtNetwork#CHANNEL}
 * channel and link events, keeps its records and routing table in the {@link MeshStore}, joins from the peer cache,
 * the current neighbours and the configured seeds, and publishes this node's signed peer record. Offers {@link Dht}.
 */
@Component(service = {Dht.class, MessageHandler.class, TransportEventListener.class},
        property = MessageHandler.CHANNEL_PROPERTY + "=" + MeshDhtNetwork.CHANNEL, configurationPid = DhtComponent.PID,
        immediate = true)
@Designate(ocd = DhtComponent.Config.class)
public final class DhtComponent implements Dht, MessageHandler, TransportEventListener {
    static final String PID = "org.sovereignmesh.dht";
    private static final System.Logger LOG = System.getLogger(DhtComponent.class.getName());

    @ObjectClassDefinition(name = "Sovereign Mesh DHT", description = "Kademlia DHT and rendezvous of this node.")
    @interface Config {
        @AttributeDefinition(description = "Region this node declares in its peer record and publishes under"
                + " (free text, for example 'eu-west/lyon'); empty: none.")
        String region() default "";

        @AttributeDefinition(description = "Seed peers to join through: addresses ending in /p2p/<peer-id>.")
        String[] seeds() default {};

        @AttributeDefinition(description = "Seconds a DHT request waits for its answer.", min = "1")
        int rpcTimeoutSeconds() default 10;

        @AttributeDefinition(description = "Minutes this node's peer record lives; renewed at half that.", min = "2")
        int peerRecordTtlMinutes() default 120;

        @AttributeDefinition(description = "Seconds between join attempts while the routing table is empty.", min = "1")
        int rejoinSeconds() default 30;

        @AttributeDefinition(description = "Records one publisher may store on this node.", min = "1")
        int maxRecordsPerPublisher() default 64;

        @AttributeDefinition(description = "Records this node stores in all.", min = "1")
        int maxRecords() default 20_000;
    }

    private final DhtService service;
    private final DhtNode node;
    private final MeshDhtNetwork network;
    private final SystemScheduler loop;
    private final SystemScheduler delivery;
    private final StorePersistence persistence;
    private final Map<String, TransportInfo> localTransports = new ConcurrentHashMap<>();
    private final String region;
    private final List<Contact> seeds;
    private final List<Contact> cached;

    @Activate
    public DhtComponent(@Reference MeshNetwork mesh, @Reference TransportManager transports, @Reference NodeKeys keys,
            @Reference MeshCrypto crypto, @Reference MeshStore store, Config config) {
        this.region = config.region().strip();
        this.seeds = parseSeeds(config.seeds());
        DhtSettings settings = new DhtSettings();
        settings.rpcTimeout = Duration.ofSeconds(config.rpcTimeoutSeconds());
        settings.maxRecordsPerPublisher = config.maxRecordsPerPublisher();
        settings.maxRecords = config.maxRecords();
        loop = new SystemScheduler("mesh-dht");
        delivery = new SystemScheduler("mesh-dht-delivery");
        persistence = new StorePersistence(store);
        Signatures signatures = new Signatures() {
            @Override
            public byte[] sign(byte[] message) {
                return keys.sign(message);
            }

            @Override
            public boolean verify(PeerId signer, byte[] message, byte[] signature) {
                return crypto.verify(signer, message, signature);
            }
        };
        DhtNode[] created = new DhtNode[1];
        network = new MeshDhtNetwork(mesh, transports, peer -> loop.execute(() -> created[0].unreachable(peer)),
                peer -> loop.execute(() -> neighbourLinked(peer)));
        node = new DhtNode(keys.peerId(), signatures, loop, network, persistence, settings.validate(),
                DhtCodec.ContactFactory.DEFAULT, new SecureRandom());
        created[0] = node;
        node.setSenderInfo(() -> new DhtMessage.Sender(true, localAddresses()));
        Duration ttl = Duration.ofMinutes(config.peerRecordTtlMinutes());
        service = new DhtService(node, delivery, () -> new DhtService.SelfDescription(localAddresses(),
                localTransportIds(), region), ttl);

        transports.transports().forEach(t -> localTransports.put(t.id(), t));
        network.linkedAlready(mesh.neighbours());
        List<StorePersistence.Loaded> records = persistence.loadRecords();
        cached = persistence.loadContacts(200);
        Set<PeerId> neighbours = mesh.neighbours();
        loop.execute(() -> {
            node.restoreContacts(cached);
            records.forEach(r -> node.restoreRecord(r.record(), r.original()));
            node.start();
            join(neighbours);
        });
        long renew = Math.max(60, ttl.toSeconds() / 2);
        loop.scheduleAtFixedRate(() -> service.publishPeerRecord(true), renew, renew, TimeUnit.SECONDS);
        loop.scheduleAtFixedRate(() -> {
            if (node.tableSize() == 0) {
                join(Set.of());
            }
        }, config.rejoinSeconds(), config.rejoinSeconds(), TimeUnit.SECONDS);
        LOG.log(Level.INFO, "DHT node " + node.id().toHex().substring(0, 16) + "… started with " + cached.size()
                + " cached contacts, " + records.size() + " stored records, " + seeds.size() + " seeds"
                + (region.isEmpty() ? "" : ", region " + region));
    }

    /**
     * A link to {@code peer} came up: if it answers a ping it runs the DHT and joins the routing table; if it is
     * the first contact this node has, the node joins the DHT through it at once. Runs on the loop.
     */
    private void neighbourLinked(PeerId peer) {
        boolean alone = node.tableSize() == 0;
        node.ping(Contact.of(peer, List.of()), answered -> {
            if (answered && alone) {
                join(Set.of());
            }
        });
    }

    /** Joins through everything known: cached contacts, linked neighbours and seeds. Runs on the loop. */
    private void join(Set<PeerId> neighbours) {
        List<Contact> via = new ArrayList<>(seeds);
        neighbours.forEach(p -> via.add(Contact.of(p, List.of())));
        node.bootstrap(via, size -> {
            // alone, a node retries every rejoinSeconds: only say so once there is something to say
            LOG.log(size > 0 ? Level.INFO : Level.DEBUG, "DHT joined: " + size + " contacts in the routing table");
            service.publishPeerRecord(false);
        });
    }

    static List<Contact> parseSeeds(String[] seeds) {
        List<Contact> list = new ArrayList<>();
        for (String seed : seeds) {
            if (seed == null || seed.isBlank()) {
                continue;
            }
            try {
                MeshAddress address = MeshAddress.parse(seed.strip());
                PeerId peer = address.peer().orElseThrow(() -> new IllegalArgumentException("no /p2p/<peer-id> part"));
                list.add(Contact.of(peer, List.of(address.withoutPeer())));
            } catch (IllegalArgumentException e) {
                LOG.log(Level.WARNING, "ignoring DHT seed ''{0}'': {1}", seed, e.getMessage());
            }
        }
        return list;
    }

    private List<MeshAddress> localAddresses() {
        Set<MeshAddress> all = new LinkedHashSet<>();
        localTransports.values().forEach(t -> all.addAll(t.localAddresses()));
        return new ArrayList<>(all);
    }

    private List<String> localTransportIds() {
        return localTransports.values().stream().filter(t -> !t.localAddresses().isEmpty()).map(TransportInfo::id)
                .sorted().toList();
    }

    @Deactivate
    void deactivate() {
        try {
            loop.execute(node::close);
            java.util.concurrent.CompletableFuture<Void> closed = new java.util.concurrent.CompletableFuture<>();
            loop.execute(() -> closed.complete(null));
            closed.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "DHT did not stop cleanly: " + e);
        }
        persistence.close();
        loop.close();
        delivery.close();
    }

    // ---------------------------------------------------------------- whiteboards

    @Override
    public void messageReceived(MeshMessage message) {
        PeerId from = message.source();
        byte[] payload = message.payload();
        loop.execute(() -> node.receive(from, payload));
    }

    @Override
    public void transportEvent(TransportEvent event) {
        event.transport().ifPresent(t -> {
            if (event.kind() == TransportEvent.Kind.TRANSPORT_REMOVED) {
                localTransports.remove(t.id());
            } else {
                localTransports.put(t.id(), t);
            }
            if (event.kind() != TransportEvent.Kind.TRANSPORT_ADDED) {
                loop.execute(() -> service.publishPeerRecord(false));
            }
        });
        network.transportEvent(event);
    }

    // ---------------------------------------------------------------- Dht

    @Override
    public PeerId localPeer() {
        return service.localPeer();
    }

    @Override
    public java.util.concurrent.CompletionStage<Integer> put(byte[] key, byte[] value, Duration ttl) {
        return service.put(key, value, ttl);
    }

    @Override
    public java.util.concurrent.CompletionStage<List<DhtRecord>> get(byte[] key) {
        return service.get(key);
    }

    @Override
    public java.util.concurrent.CompletionStage<PeerRecord> findPeer(PeerId peer) {
        return service.findPeer(peer);
    }

    @Override
    public java.util.concurrent.CompletionStage<List<PeerRecord>> findRegion(String region) {
        return service.findRegion(region);
    }

    @Override
    public java.util.concurrent.CompletionStage<RoutingTableSummary> routingTable() {
        return service.routingTable();
    }
}
