package org.sovereignmesh.core.internal;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.sovereignmesh.api.Delivery;
import org.sovereignmesh.api.DeliveryException;
import org.sovereignmesh.api.DeliveryReceipt;
import org.sovereignmesh.api.DeliveryStatus;
import org.sovereignmesh.api.MeshMessage;
import org.sovereignmesh.api.MeshNetwork;
import org.sovereignmesh.api.MessageHandler;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.SendOptions;
import org.sovereignmesh.api.status.DeliveryInfo;
import org.sovereignmesh.api.status.MeshStatus;
import org.sovereignmesh.api.status.QueuedPacket;
import org.sovereignmesh.api.status.RouteInfo;
import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.LinkInfo;
import org.sovereignmesh.api.transport.LinkMode;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.api.transport.TransportEvent;
import org.sovereignmesh.api.transport.TransportEventListener;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.api.transport.TransportInfo;
import org.sovereignmesh.api.transport.TransportManager;
import org.sovereignmesh.api.transport.TransportProfile;
import org.sovereignmesh.api.transport.TransportState;
import org.sovereignmesh.crypto.CryptoException;
import org.sovereignmesh.crypto.MeshCrypto;
import org.sovereignmesh.crypto.NodeKeys;
import org.sovereignmesh.crypto.OpenedPacket;
import org.sovereignmesh.crypto.ReplayGuard;
import org.sovereignmesh.crypto.SecureSession;

/**
 * A mesh node in plain Java: the same object runs inside OSGi (wrapped by {@link MeshNodeComponent}), in unit
 * tests and in simulation.
 *
 * <p>All state is confined to the node's {@link Scheduler} thread (the loop). Transports, applications and
 * management callers may call the public methods from any thread; those hop onto the loop. Application callbacks,
 * events and the completion of returned stages run on a separate {@code delivery} executor, so application code
 * can never stall the loop.
 *
 * <p>Security sits above every transport. A duplex link first runs a Noise XX handshake that proves both
 * identities, then carries only session-encrypted frames, rekeyed periodically. Broadcast and one-way links carry
 * sealed packets and signed announcements. Every application payload is sealed end to end for its destination and
 * signed by its sender, whatever the path; the receiver verifies the signature and refuses replays. See
 * {@link LinkCodec} for the bytes.
 */
public final class MeshNode implements MeshNetwork, TransportManager, MeshStatus, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MeshNode.class.getName());
    private static final long QUERY_TIMEOUT_SECONDS = 10;
    /** Bytes around a packet in a duplex link frame: frame type, session nonce and tag, inner type. */
    static final int DUPLEX_FRAMING = 1 + SecureSession.OVERHEAD + 1;
    /** Bytes around a packet in a simplex or broadcast link frame: the frame type. */
    static final int SIMPLEX_FRAMING = 1;

    private final NodeKeys keys;
    private final MeshCrypto crypto;
    private final PeerId localPeer;
    private final Scheduler loop;
    private final Executor delivery;
    private final NodeSettings settings;
    private final NodeJournal journal;
    private final Executor journalWriter;
    private final List<HandlerRegistration> handlers = new CopyOnWriteArrayList<>();
    private final List<TransportEventListener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    // loop-confined
    private final Map<Transport, TransportSlot> transports = new LinkedHashMap<>();
    private final Map<Long, LinkSession> links = new TreeMap<>();
    private final Map<PeerId, Neighbour> neighbours = new HashMap<>();
    private final Map<Long, Neighbour> neighboursByAddress = new HashMap<>();
    private final Map<Long, Destination> destinations = new HashMap<>();
    private final Map<Long, ReliableMessage> outbox = new HashMap<>();
    private final Map<Long, RouteEntry> routes = new HashMap<>();
    private final DeliveryLog deliveryLog;
    private final Set<MeshAddress> connecting = new HashSet<>();
    private final ReplayGuard replayGuard;
    private final DuplicateFilter seenPackets;
    private final DuplicateFilter deliveredMessages;
    /** Acknowledged messages whose handlers are still running: retries wait for the first copy's acknowledgement. */
    private final Set<Long> beingDelivered = new HashSet<>();
    /** The journal's delivered records, oldest first: {sequence, delivered millis}. */
    private final java.util.ArrayDeque<long[]> deliveredRecords = new java.util.ArrayDeque<>();
    private final TokenBucket floodBudget;
    private final long localAddress;
    private long custodyBytes;
    private long nextLinkId = 1;

    /** A node whose journal lives in memory: nothing survives the process (tests, simulation). */
    public MeshNode(NodeKeys keys, MeshCrypto crypto, Scheduler loop, Executor delivery, NodeSettings settings) {
        this(keys, crypto, loop, delivery, settings, new MemoryJournal(), Runnable::run);
    }

    /**
     * Creates the node and, on its loop, takes up what {@code journal} kept from an earlier run: unacknowledged
     * messages are sent again, packets in custody are queued again, delivered messages stay delivered.
     *
     * @param keys          this node's identity and key-agreement keys
     * @param crypto        the cryptographic operations
     * @param loop          runs all protocol work; the node owns no thread of its own
     * @param delivery      runs application callbacks and events, one at a time
     * @param journal       what survives a crash or restart
     * @param journalWriter runs journal writes in order, off the loop
     */
    MeshNode(NodeKeys keys, MeshCrypto crypto, Scheduler loop, Executor delivery, NodeSettings settings,
            NodeJournal journal, Executor journalWriter) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.crypto = Objects.requireNonNull(crypto, "crypto");
        this.localPeer = keys.peerId();
        this.loop = Objects.requireNonNull(loop, "loop");
        this.delivery = Objects.requireNonNull(delivery, "delivery");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.replayGuard = crypto.replayGuard(settings.replayHorizon, settings.replayCapacity);
        this.seenPackets = new DuplicateFilter(settings.duplicateHorizon.toNanos(), 200_000);
        this.deliveredMessages = new DuplicateFilter(settings.deliveredRetention.toNanos(), settings.deliveredCapacity);
        this.floodBudget = new TokenBucket(settings.floodRate, settings.floodBurst, loop.nanoTime());
        this.localAddress = NodeAddress.of(localPeer);
        this.deliveryLog = new DeliveryLog(settings.deliveryHistory);
        this.journal = Objects.requireNonNull(journal, "journal");
        this.journalWriter = Objects.requireNonNull(journalWriter, "journalWriter");
        // read now, before any submit can add to the journal; resumed on the loop
        Map<NodeJournal.Section, List<NodeJournal.Entry>> kept = readJournal();
        loop.execute(() -> restore(kept));
    }

    Scheduler scheduler() {
        return loop;
    }

    NodeSettings settings() {
        return settings;
    }

    // ---------------------------------------------------------------- application API

    @Override
    public PeerId localPeer() {
        return localPeer;
    }

    @Override
    public int maxPayloadSize() {
        return settings.maxPayloadSize;
    }

    /**
     * Seals the payload for its destination on the caller's thread (the expensive part, so many callers use many
     * cores), then queues it on the loop.
     */
    @Override
    public Delivery submit(PeerId destination, String channel, byte[] payload, SendOptions options) {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(options, "options");
        MeshMessage.requireValidChannel(channel);
        if (payload.length > settings.maxPayloadSize) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds the maximum of "
                    + settings.maxPayloadSize);
        }
        CompletableFuture<DeliveryReceipt> result = new CompletableFuture<>();
        long messageId = ThreadLocalRandom.current().nextLong();
        long lifetimeMillis = options.lifetime().toMillis();
        Runnable logAccepted = () -> deliveryLog.accepted(messageId, destination, channel, payload.length,
                options.acknowledged(), loop.currentTimeMillis(), loop.currentTimeMillis() + lifetimeMillis);
        if (destination.equals(localPeer)) {
            byte[] copy = payload.clone();
            loop.execute(() -> {
                logAccepted.run();
                deliverLocally(channel, copy, messageId, result);
            });
            return new Delivery(Long.toHexString(messageId), result.minimalCompletionStage());
        }
        byte[] endToEnd = new EndToEnd(options.acknowledged() ? EndToEnd.ACK_REQUESTED : 0, messageId, channel, payload)
                .encode();
        Packet first = dataPacket(destination, endToEnd);
        long deadline = loop.nanoTime() + options.lifetime().toNanos();
        if (options.acknowledged()) {
            ReliableMessage message = new ReliableMessage(messageId, destination, endToEnd, payload.length, deadline, result);
            long acceptedMillis = loop.currentTimeMillis();
            try {
                message.journalSequence = journal.append(NodeJournal.Section.OUTBOX, new JournalRecords.OutboxRecord(
                        messageId, acceptedMillis, acceptedMillis + lifetimeMillis, destination, payload.length, endToEnd)
                        .encode());
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "could not store a reliable message for " + destination + " in "
                        + journal.location(), e);
                String reason = "the message could not be stored, so it was not accepted: " + e.getMessage();
                result.completeExceptionally(new DeliveryException(reason, e));
                loop.execute(() -> {
                    logAccepted.run();
                    deliveryLog.failed(messageId, reason, loop.currentTimeMillis());
                });
                return new Delivery(Long.toHexString(messageId), result.minimalCompletionStage());
            }
            loop.execute(() -> {
                logAccepted.run();
                startReliable(message, first);
            });
        } else {
            Outgoing outgoing = new Outgoing(first, destination, payload.length, result, null, messageId, deadline, null);
            loop.execute(() -> {
                logAccepted.run();
                enqueue(outgoing);
            });
        }
        return new Delivery(Long.toHexString(messageId), result.minimalCompletionStage());
    }

    private Packet dataPacket(PeerId destination, byte[] endToEnd) {
        byte[] sealed = crypto.seal(keys, destination, endToEnd, loop.currentTimeMillis());
        return new Packet(Packet.DATA, 0, Packet.DEFAULT_HOPS, NodeAddress.of(destination), sealed);
    }

    @Override
    public Set<PeerId> neighbours() {
        Supplier<Set<PeerId>> linked = () -> neighbours.values().stream().filter(n -> !n.links.isEmpty())
                .map(n -> n.peer).collect(Collectors.toCollection(TreeSet::new));
        return query(linked, Set.of());
    }

    /**
     * Registers an application handler outside OSGi (inside OSGi use the {@link MessageHandler} whiteboard).
     *
     * @param channels channel names, or {@link MessageHandler#ALL_CHANNELS}
     * @return closing it unregisters the handler
     */
    public AutoCloseable addMessageHandler(Set<String> channels, MessageHandler handler) {
        HandlerRegistration registration = new HandlerRegistration(handler, Set.copyOf(channels));
        handlers.add(registration);
        return () -> handlers.remove(registration);
    }

    public void removeMessageHandler(MessageHandler handler) {
        handlers.removeIf(r -> r.handler == handler);
    }

    public void addEventListener(TransportEventListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    public void removeEventListener(TransportEventListener listener) {
        listeners.remove(listener);
    }

    // ---------------------------------------------------------------- status

    @Override
    public List<RouteInfo> routes() {
        return query(() -> {
            List<RouteInfo> result = new ArrayList<>();
            for (Neighbour n : neighbours.values()) {
                if (!n.links.isEmpty()) {
                    List<String> via = n.links.stream().map(l -> l.slot.id + " " + l.remoteAddress)
                            .collect(Collectors.toList());
                    long since = n.links.stream().mapToLong(l -> l.openedAtMillis).min().orElse(loop.currentTimeMillis());
                    result.add(new RouteInfo(NodeAddress.hex(n.address), n.peer, RouteInfo.Kind.NEIGHBOUR, n.peer, via,
                            since));
                }
            }
            routes.forEach((address, entry) -> {
                Neighbour hop = neighbours.get(entry.nextHop);
                List<String> via = hop == null ? List.of()
                        : hop.links.stream().map(l -> l.slot.id + " " + l.remoteAddress).collect(Collectors.toList());
                result.add(new RouteInfo(NodeAddress.hex(address), null, RouteInfo.Kind.LEARNED, entry.nextHop, via,
                        millisAt(entry.learnedNanos)));
            });
            result.sort(Comparator.comparing(RouteInfo::kind).thenComparing(RouteInfo::destination));
            return result;
        }, List.of());
    }

    @Override
    public List<QueuedPacket> queued() {
        return query(() -> {
            List<QueuedPacket> result = new ArrayList<>();
            for (Destination destination : destinations.values()) {
                for (Outgoing o : destination.queue) {
                    QueuedPacket.Kind kind = o.ownMessage() ? QueuedPacket.Kind.MESSAGE
                            : o.packet.type == Packet.ACK ? QueuedPacket.Kind.ACKNOWLEDGEMENT : QueuedPacket.Kind.CUSTODY;
                    result.add(new QueuedPacket(NodeAddress.hex(destination.address), o.peer, kind,
                            kind == QueuedPacket.Kind.MESSAGE ? Long.toHexString(o.messageId) : "",
                            Packet.HEADER + o.packet.body.length, o.attempts, millisAt(o.queuedNanos),
                            millisAt(o.deadlineNanos), o.carriedOn.size()));
                }
            }
            result.sort(Comparator.comparingLong(QueuedPacket::queuedMillis));
            return result;
        }, List.of());
    }

    @Override
    public List<DeliveryInfo> deliveries(int max) {
        return query(() -> deliveryLog.recent(max), List.of());
    }

    @Override
    public Optional<DeliveryInfo> delivery(String messageId) {
        long id;
        try {
            id = Long.parseUnsignedLong(messageId, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a message id (up to 16 hex digits): " + messageId);
        }
        return query(() -> deliveryLog.get(id), Optional.empty());
    }

    /** The node's wall-clock time at scheduler time {@code nanos}. */
    private long millisAt(long nanos) {
        return loop.currentTimeMillis() + TimeUnit.NANOSECONDS.toMillis(nanos - loop.nanoTime());
    }

    // ---------------------------------------------------------------- transport management

    /** Tracks {@code transport} and starts it on the loop; returns at once. */
    public void addTransport(Transport transport, String provider) {
        loop.execute(() -> startTransport(transport, provider));
    }

    /** Stops {@code transport}, closes its links and re-offers their traffic to other links; returns at once. */
    public void removeTransport(Transport transport) {
        loop.execute(() -> stopTransport(transport));
    }

    @Override
    public List<TransportInfo> transports() {
        return query(() -> transports.values().stream().map(TransportSlot::info)
                .sorted(Comparator.comparing(TransportInfo::id)).collect(Collectors.toList()), List.of());
    }

    @Override
    public List<LinkInfo> links() {
        return query(() -> links.values().stream().map(LinkSession::info).collect(Collectors.toList()), List.of());
    }

    @Override
    public CompletionStage<LinkInfo> connect(MeshAddress address) {
        Objects.requireNonNull(address, "address");
        CompletableFuture<LinkInfo> result = new CompletableFuture<>();
        loop.execute(() -> connectVia(null, address, result));
        return result.minimalCompletionStage();
    }

    /** Stops every transport and fails waiting messages; waits for the loop to finish that work. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        query(() -> {
            for (Transport t : new ArrayList<>(transports.keySet())) {
                stopTransport(t);
            }
            for (Destination d : destinations.values()) {
                for (Outgoing o : d.queue) {
                    if (o.result != null) {
                        failBestEffort(o, "the node stopped before the message could be sent");
                    }
                }
                d.queue.clear();
            }
            for (ReliableMessage m : outbox.values()) {
                if (m.retryTimer != null) {
                    m.retryTimer.cancel();
                }
                if (journal.durable()) {
                    completeExceptionally(m.result, new DeliveryException("the node stopped before the message was "
                            + "acknowledged; it stays stored and is sent again when the node starts"));
                } else {
                    failReliable(m, "the node stopped before the message was acknowledged");
                }
            }
            outbox.clear();
            destinations.clear();
            neighbours.clear();
            neighboursByAddress.clear();
            closed = true;
            return null;
        }, null);
        closed = true;
    }

    // ---------------------------------------------------------------- loop: transports

    private void startTransport(Transport transport, String provider) {
        if (closed || transports.containsKey(transport)) {
            return;
        }
        TransportSlot slot;
        try {
            slot = new TransportSlot(this, transport, provider);
            slot.info(); // the transport's own describing methods must work before we list it
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "ignoring transport from " + provider + ": it cannot describe itself", e);
            return;
        }
        transports.put(transport, slot);
        TransportSlot clash = transports.values().stream().filter(s -> s != slot && s.id.equals(slot.id)).findFirst()
                .orElse(null);
        if (clash != null) {
            slot.state = TransportState.FAILED;
            slot.stateDetail = "transport id '" + slot.id + "' is already used by " + clash.provider;
            LOG.log(Level.WARNING, "transport {0} from {1} not started: {2}", slot.id, provider, slot.stateDetail);
            emit(TransportEvent.of(TransportEvent.Kind.TRANSPORT_ADDED, slot.info()));
            return;
        }
        emit(TransportEvent.of(TransportEvent.Kind.TRANSPORT_ADDED, slot.info()));
        try {
            transport.start(slot);
            if (slot.state == TransportState.STARTING) {
                slot.state = TransportState.ACTIVE;
            }
            LOG.log(Level.INFO, "transport {0} started ({1}; {2})", slot.id, provider, transport.profile());
        } catch (TransportException | RuntimeException e) {
            slot.state = TransportState.FAILED;
            slot.stateDetail = String.valueOf(e.getMessage());
            LOG.log(Level.WARNING, "transport " + slot.id + " failed to start: " + e.getMessage(), e);
        }
        emit(TransportEvent.of(TransportEvent.Kind.TRANSPORT_CHANGED, slot.info()));
    }

    private void stopTransport(Transport transport) {
        TransportSlot slot = transports.remove(transport);
        if (slot == null) {
            return;
        }
        slot.removed = true;
        for (LinkSession s : new ArrayList<>(slot.links)) {
            closeLink(s, "transport " + slot.id + " went away");
        }
        try {
            transport.stop();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "transport " + slot.id + " failed while stopping", e);
        }
        slot.state = TransportState.STOPPED;
        LOG.log(Level.INFO, "transport {0} removed", slot.id);
        emit(TransportEvent.of(TransportEvent.Kind.TRANSPORT_REMOVED, slot.info()));
    }

    void transportStateChanged(TransportSlot slot, TransportState state, String detail) {
        if (slot.removed || slot.state == state && Objects.equals(slot.stateDetail, detail)) {
            return;
        }
        slot.state = state;
        slot.stateDetail = detail == null ? "" : detail;
        emit(TransportEvent.of(TransportEvent.Kind.TRANSPORT_CHANGED, slot.info()));
    }

    void transportAddressesChanged(TransportSlot slot, List<MeshAddress> addresses) {
        if (slot.removed) {
            return;
        }
        slot.localAddresses = addresses;
        emit(TransportEvent.of(TransportEvent.Kind.TRANSPORT_CHANGED, slot.info()));
    }

    void neighbourDiscovered(TransportSlot slot, MeshAddress address) {
        if (!settings.autoConnect || slot.removed || connecting.contains(address)) {
            return;
        }
        Optional<PeerId> announced;
        try {
            announced = address.peer();
        } catch (IllegalArgumentException e) {
            LOG.log(Level.DEBUG, "ignoring discovered address {0}: {1}", address, e.getMessage());
            return;
        }
        if (announced.map(p -> p.equals(localPeer) || hasEstablishedLink(p)).orElse(false)
                || links.values().stream().anyMatch(s -> s.remoteAddress.equals(address.withoutPeer()))) {
            return;
        }
        connectVia(slot, address, new CompletableFuture<>());
    }

    private boolean hasEstablishedLink(PeerId peer) {
        Neighbour n = neighbours.get(peer);
        return n != null && !n.links.isEmpty();
    }

    // ---------------------------------------------------------------- loop: links

    /** Opens a link to {@code address} through {@code via}, or the best transport that supports it. */
    private void connectVia(TransportSlot via, MeshAddress address, CompletableFuture<LinkInfo> result) {
        PeerId expected;
        try {
            expected = address.peer().orElse(null);
        } catch (IllegalArgumentException e) {
            completeExceptionally(result, new TransportException("invalid peer in " + address + ": " + e.getMessage()));
            return;
        }
        if (localPeer.equals(expected)) {
            completeExceptionally(result, new TransportException(address + " names this node itself"));
            return;
        }
        MeshAddress mediumAddress = address.withoutPeer();
        TransportSlot slot = via != null ? via : bestTransportFor(mediumAddress);
        if (slot == null) {
            completeExceptionally(result, new TransportException("no started transport supports " + mediumAddress
                    + " (started: " + startedTransportIds() + ")"));
            return;
        }
        CompletionStage<Link> opening;
        try {
            opening = slot.transport.connect(mediumAddress);
        } catch (RuntimeException e) {
            opening = CompletableFuture.failedFuture(e);
        }
        connecting.add(address);
        opening.whenComplete((link, error) -> loop.execute(() -> {
            connecting.remove(address);
            if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                LOG.log(Level.DEBUG, "connect to {0} via {1} failed: {2}", mediumAddress, slot.id, cause.getMessage());
                completeExceptionally(result, new TransportException("connect to " + mediumAddress + " via "
                        + slot.id + " failed: " + cause.getMessage(), cause));
            } else {
                linkOpened(slot, link, true, expected, result);
            }
        }));
    }

    private TransportSlot bestTransportFor(MeshAddress address) {
        TransportSlot best = null;
        for (TransportSlot slot : transports.values()) {
            if (!isUsable(slot.state)) {
                continue;
            }
            boolean supported;
            try {
                supported = slot.transport.supports(address);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "transport " + slot.id + " failed in supports(" + address + ")", e);
                supported = false;
            }
            if (supported && (best == null || linkScore(slot, 1024, 0) < linkScore(best, 1024, 0))) {
                best = slot;
            }
        }
        return best;
    }

    private String startedTransportIds() {
        return transports.values().stream().filter(s -> isUsable(s.state)).map(s -> s.id).sorted()
                .collect(Collectors.joining(", "));
    }

    private static boolean isUsable(TransportState state) {
        return state == TransportState.ACTIVE || state == TransportState.DEGRADED;
    }

    void linkOpened(TransportSlot slot, Link link, boolean outbound, PeerId expectedPeer,
            CompletableFuture<LinkInfo> waiter) {
        if (closed || slot.removed) {
            closeQuietly(link);
            if (waiter != null) {
                completeExceptionally(waiter, new TransportException("transport " + slot.id + " went away"));
            }
            return;
        }
        LinkSession session;
        try {
            session = new LinkSession(this, nextLinkId++, slot, link, outbound, loop.currentTimeMillis());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "transport " + slot.id + " produced a link that cannot describe itself", e);
            closeQuietly(link);
            return;
        }
        session.expectedPeer = expectedPeer;
        if (waiter != null) {
            session.establishWaiters.add(waiter);
        }
        links.put(session.id, session);
        slot.links.add(session);
        LOG.log(Level.DEBUG, "{0} opened ({1})", session, outbound ? "outbound" : "inbound");
        try {
            link.start(session);
        } catch (RuntimeException e) {
            closeLink(session, "transport failed to start the link: " + e.getMessage());
            return;
        }
        if (session.secured) {
            session.handshakeTimer = loop.schedule(() -> {
                if (session.state == LinkInfo.State.HANDSHAKING) {
                    closeLink(session, "neighbour did not complete the handshake within " + settings.handshakeTimeout);
                }
            }, settings.handshakeTimeout);
            session.handshake = crypto.handshake(keys, outbound, LinkCodec.PROLOGUE);
            if (outbound) {
                sendControl(session, LinkCodec.frame(LinkCodec.HANDSHAKE, session.handshake.writeMessage(new byte[0])));
            }
        } else {
            // no session to negotiate: usable at once, for the peers it lets us hear and reach
            session.state = LinkInfo.State.ESTABLISHED;
            completeWaiters(session);
            if (link.mode() != LinkMode.RECEIVE_ONLY) {
                announce(session);
                if (slot.transport.profile().carrier()) {
                    pumpAll(); // a carrier takes copies of what is held for lack of a path
                }
            }
        }
    }

    /** Tells a broadcast or one-way link who we are, now and then periodically (jittered, to spread airtime). */
    private void announce(LinkSession session) {
        if (session.closed) {
            return;
        }
        byte[] key = localPeer.publicKey();
        byte[] time = LinkCodec.timeField(loop.currentTimeMillis());
        byte[] signature = keys.sign(LinkCodec.announceSigned(key, time));
        byte[] body = new byte[key.length + time.length + signature.length];
        System.arraycopy(key, 0, body, 0, key.length);
        System.arraycopy(time, 0, body, key.length, time.length);
        System.arraycopy(signature, 0, body, key.length + time.length, signature.length);
        sendControl(session, LinkCodec.frame(LinkCodec.ANNOUNCE, body));
        long base = settings.announceInterval.toNanos();
        long jitter = ThreadLocalRandom.current().nextLong(Math.max(1, base / 4));
        session.announceTimer = loop.schedule(() -> announce(session), base - base / 8 + jitter, TimeUnit.NANOSECONDS);
    }

    private void sendControl(LinkSession session, byte[] frame) {
        session.framesSent++;
        session.bytesSent += frame.length;
        CompletionStage<Void> sending;
        try {
            sending = session.link.send(frame);
        } catch (RuntimeException e) {
            sending = CompletableFuture.failedFuture(e);
        }
        sending.whenComplete((ok, error) -> {
            if (error != null) {
                loop.execute(() -> closeLink(session, "could not send to neighbour: " + error.getMessage()));
            }
        });
    }

    void frameReceived(LinkSession session, byte[] frame) {
        if (session.closed) {
            return;
        }
        session.framesReceived++;
        session.bytesReceived += frame.length;
        try {
            byte type = LinkCodec.type(frame);
            if (session.secured != (type == LinkCodec.HANDSHAKE || type == LinkCodec.SECURE)) {
                throw new MalformedFrameException((session.secured ? "unsealed frame type " : "session frame type ")
                        + (type & 0xff) + " on a " + (session.secured ? "secured" : session.link.mode() + " sealed")
                        + " link");
            }
            switch (type) {
                case LinkCodec.HANDSHAKE:
                    handshakeReceived(session, LinkCodec.body(frame));
                    break;
                case LinkCodec.SECURE:
                    secureFrameReceived(session, LinkCodec.body(frame));
                    break;
                case LinkCodec.ANNOUNCE:
                    announcementReceived(session, LinkCodec.body(frame));
                    break;
                default:
                    packetOrFragment(session, type == LinkCodec.FRAGMENT, LinkCodec.body(frame));
                    break;
            }
        } catch (MalformedFrameException e) {
            if (!session.secured) {
                // a shared medium carries anyone's frames, other protocols' too: a bad one costs that frame only
                LOG.log(Level.DEBUG, "{0}: dropped a frame: {1}", session, e.getMessage());
                return;
            }
            LOG.log(Level.WARNING, "{0}: protocol error, closing: {1}", session, e.getMessage());
            closeLink(session, "protocol error: " + e.getMessage());
        } catch (CryptoException e) {
            LOG.log(Level.WARNING, "{0}: security check failed, closing: {1}", session, e.getMessage());
            closeLink(session, "security check failed: " + e.getMessage());
        }
    }

    private void handshakeReceived(LinkSession session, byte[] message) throws CryptoException, MalformedFrameException {
        if (session.state != LinkInfo.State.HANDSHAKING) {
            throw new MalformedFrameException("handshake message on an established link");
        }
        session.handshake.readMessage(message);
        PeerId peer = session.handshake.remotePeer();
        if (peer != null && !acceptablePeer(session, peer)) {
            return;
        }
        if (session.handshake.isMyTurn()) {
            sendControl(session, LinkCodec.frame(LinkCodec.HANDSHAKE, session.handshake.writeMessage(new byte[0])));
        }
        if (session.handshake.isComplete()) {
            session.session = session.handshake.split();
            session.handshake = null;
            established(session, peer);
        }
    }

    /** @return whether the authenticated neighbour may stay; closes the link if not */
    private boolean acceptablePeer(LinkSession session, PeerId peer) {
        if (peer.equals(localPeer)) {
            closeLink(session, "the link leads back to this node");
            return false;
        }
        if (session.expectedPeer != null && !session.expectedPeer.equals(peer)) {
            closeLink(session, "expected peer " + session.expectedPeer + " but the neighbour is " + peer);
            return false;
        }
        return true;
    }

    private void secureFrameReceived(LinkSession session, byte[] body) throws CryptoException, MalformedFrameException {
        if (session.state != LinkInfo.State.ESTABLISHED) {
            throw new MalformedFrameException("session frame before the handshake completed");
        }
        byte[] inner = session.session.decrypt(body);
        if (inner.length < 1 || inner[0] != LinkCodec.INNER_PACKET && inner[0] != LinkCodec.INNER_FRAGMENT) {
            throw new MalformedFrameException("unknown inner message type " + (inner.length < 1 ? -1 : inner[0] & 0xff));
        }
        // the neighbour is authenticated: a malformed packet from it is its protocol error
        packetOrFragment(session, inner[0] == LinkCodec.INNER_FRAGMENT, LinkCodec.body(inner));
    }

    private void packetOrFragment(LinkSession session, boolean fragment, byte[] bytes) throws MalformedFrameException {
        if (!fragment) {
            packetReceived(session, bytes);
            return;
        }
        if (session.reassembler == null) {
            session.reassembler = new Fragments.Reassembler(settings.maxReassemblyBytesPerLink);
        }
        byte[] whole = session.reassembler.add(bytes, loop.nanoTime(), loop.nanoTime() + reassemblyTime(session));
        if (whole != null) {
            packetReceived(session, whole);
        }
    }

    /** How long a fragmented packet may take to arrive whole on this link: generous for slow, duty-cycled media. */
    private static long reassemblyTime(LinkSession session) {
        TransportProfile profile = session.slot.transport.profile();
        double secondsPerFrame = profile.mtu() * 8.0 / profile.bitrate() / profile.dutyCycle();
        return TimeUnit.SECONDS.toNanos(30) + (long) (Fragments.MAX_FRAGMENTS * 2 * secondsPerFrame * 1e9)
                + 4 * profile.latency().toNanos();
    }

    private void packetReceived(LinkSession session, byte[] bytes) throws MalformedFrameException {
        Packet packet = Packet.decode(bytes);
        if (!seenPackets.firstTime(packet.id(), loop.nanoTime())) {
            return; // a second copy: another path, a flood, a loop
        }
        if (packet.destination == localAddress) {
            if (packet.type == Packet.DATA) {
                dataReceived(session, packet);
            } else {
                acknowledgementReceived(session, packet);
            }
        } else {
            relay(session, packet);
        }
    }

    /**
     * Opens a packet sealed for this node. One that fails its checks is dropped without closing the link: on a
     * shared medium or through a relay the neighbour may be innocent.
     */
    private void dataReceived(LinkSession session, Packet packet) {
        OpenedPacket opened;
        EndToEnd message;
        try {
            opened = crypto.open(keys, packet.body);
            replayGuard.accept(opened, loop.currentTimeMillis());
            message = EndToEnd.decode(opened.payload());
        } catch (CryptoException | MalformedFrameException e) {
            LOG.log(Level.WARNING, "{0}: dropped an end-to-end packet: {1}", session, e.getMessage());
            return;
        }
        PeerId sender = opened.sender();
        long senderAddress = NodeAddress.of(sender);
        if (!session.secured) {
            heard(session, sender);
        } else if (!sender.equals(session.peer)) {
            learnRoute(senderAddress, session.peer); // replies can go back the way this came
        }
        long key = senderAddress * 31 + message.messageId;
        if (beingDelivered.contains(key)) {
            return; // a retry while the first copy is with the application: its acknowledgement follows
        }
        if (!deliveredMessages.firstTime(key, loop.nanoTime())) {
            // a retry of a message already delivered: acknowledge again (the first ack may be lost), deliver once
            if (message.acknowledgementRequested()) {
                acknowledge(sender, message.messageId);
            }
            return;
        }
        MeshMessage delivered = new MeshMessage(sender, message.channel, message.payload, loop.currentTimeMillis());
        if (!message.acknowledgementRequested()) {
            dispatch(delivered, null);
            return;
        }
        // acknowledged only once the handlers returned and the delivery is on record: a crash before that means
        // the sender tries again, so nothing acknowledged is ever lost
        beingDelivered.add(key);
        dispatch(delivered, handled -> {
            if (!handled) {
                // not acknowledged: the sender tries again later, and every handler sees the message again
                loop.execute(() -> {
                    beingDelivered.remove(key);
                    deliveredMessages.forget(key);
                });
                return;
            }
            recordDelivery(key, sender, message.messageId);
        });
    }

    private void recordDelivery(long key, PeerId sender, long messageId) {
        writeLater(() -> {
            long sequence = -1;
            long now = loop.currentTimeMillis();
            try {
                sequence = journal.append(NodeJournal.Section.DELIVERED, JournalRecords.delivered(key, now));
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "could not record a delivered message in " + journal.location()
                        + "; a retry after a restart would deliver it again", e);
            }
            long recorded = sequence;
            loop.execute(() -> {
                beingDelivered.remove(key);
                if (recorded >= 0) {
                    deliveredRecords.addLast(new long[] {recorded, now});
                    pruneDeliveredRecords();
                }
                acknowledge(sender, messageId);
            });
        });
    }

    private void acknowledge(PeerId sender, long messageId) {
        if (closed) {
            return;
        }
        Packet ack = new Packet(Packet.ACK, 0, Packet.DEFAULT_HOPS, NodeAddress.of(sender),
                Packet.ackBody(messageId, ThreadLocalRandom.current().nextInt()));
        enqueue(new Outgoing(ack, sender, 0, null, null, 0, loop.nanoTime() + settings.custodyTime.toNanos(), null));
    }

    /** Drops delivered records past their retention or beyond capacity, from the journal too. */
    private void pruneDeliveredRecords() {
        long oldest = loop.currentTimeMillis() - settings.deliveredRetention.toMillis();
        while (!deliveredRecords.isEmpty() && (deliveredRecords.size() > settings.deliveredCapacity
                || deliveredRecords.peekFirst()[1] < oldest)) {
            long sequence = deliveredRecords.pollFirst()[0];
            writeLater(() -> removeQuietly(NodeJournal.Section.DELIVERED, sequence));
        }
    }

    private void acknowledgementReceived(LinkSession session, Packet packet) {
        ReliableMessage message = outbox.remove(packet.ackedMessageId());
        if (message == null) {
            return; // late: already acknowledged, or expired
        }
        forget(message);
        if (message.retryTimer != null) {
            message.retryTimer.cancel();
        }
        if (message.pending != null) {
            Destination destination = destinations.get(NodeAddress.of(message.destination));
            if (destination != null) {
                destination.queue.remove(message.pending);
            }
        }
        if (session.peer != null && !session.peer.equals(message.destination)) {
            learnRoute(NodeAddress.of(message.destination), session.peer);
        }
        String detail = "acknowledged via " + session.slot.id + " " + session.remoteAddress + " after "
                + message.attempts + (message.attempts == 1 ? " attempt" : " attempts");
        deliveryLog.delivered(message.messageId, detail, loop.currentTimeMillis());
        complete(message.result, new DeliveryReceipt(message.destination, DeliveryStatus.DELIVERED, detail,
                loop.currentTimeMillis(), Long.toHexString(message.messageId)));
    }

    /** Passes on a packet for someone else, one hop closer, or holds it (custody) while no path exists. */
    private void relay(LinkSession session, Packet packet) {
        if (packet.hopsLeft <= 1) {
            LOG.log(Level.DEBUG, "dropped a packet for {0}: hop limit reached", NodeAddress.hex(packet.destination));
            return;
        }
        if (custodyBytes + packet.body.length > settings.maxCustodyBytes) {
            LOG.log(Level.WARNING, "dropped a packet for {0}: custody budget of {1} bytes is full",
                    NodeAddress.hex(packet.destination), String.valueOf(settings.maxCustodyBytes));
            return;
        }
        PeerId cameFrom = session.secured ? session.peer : null;
        Outgoing relayed = new Outgoing(packet.withHopsLeft(packet.hopsLeft - 1), null, 0, null, null, 0,
                loop.nanoTime() + settings.custodyTime.toNanos(), cameFrom);
        if (isCustody(relayed)) {
            custodyBytes += packet.body.length;
        }
        enqueue(relayed);
    }

    private void announcementReceived(LinkSession session, byte[] body) throws MalformedFrameException {
        if (body.length != LinkCodec.ANNOUNCE_SIZE - 1) {
            throw new MalformedFrameException("announcement of " + (body.length + 1) + " bytes, expected "
                    + LinkCodec.ANNOUNCE_SIZE);
        }
        byte[] key = java.util.Arrays.copyOf(body, PeerId.KEY_LENGTH);
        byte[] time = java.util.Arrays.copyOfRange(body, PeerId.KEY_LENGTH, PeerId.KEY_LENGTH + 4);
        byte[] signature = java.util.Arrays.copyOfRange(body, PeerId.KEY_LENGTH + 4, body.length);
        PeerId peer = PeerId.fromPublicKey(key);
        long age = loop.currentTimeMillis() - LinkCodec.timeMillis(time);
        if (!crypto.verify(peer, LinkCodec.announceSigned(key, time), signature)) {
            LOG.log(Level.WARNING, "{0}: dropped an announcement with a bad signature", session);
        } else if (Math.abs(age) > settings.replayHorizon.toMillis()) {
            LOG.log(Level.DEBUG, "{0}: dropped a stale announcement of {1}", session, peer);
        } else if (!peer.equals(localPeer)) {
            heard(session, peer);
        }
    }

    /** A peer is reachable over a broadcast or one-way link it was heard on. */
    private void heard(LinkSession session, PeerId peer) {
        if (session.link.mode() == LinkMode.RECEIVE_ONLY || !session.heard.add(peer)) {
            return;
        }
        attach(session, peer);
        LOG.log(Level.INFO, "{0} reaches {1}", session, peer.shortName());
        emit(TransportEvent.of(TransportEvent.Kind.LINK_ESTABLISHED, session.info(), "heard " + peer));
    }

    private void established(LinkSession session, PeerId peer) {
        if (session.handshakeTimer != null) {
            session.handshakeTimer.cancel();
        }
        session.state = LinkInfo.State.ESTABLISHED;
        session.peer = peer;
        session.rekeyTimer = loop.scheduleAtFixedRate(() -> {
            // only keys that were used need replacing; an idle link that rekeyed on every tick would come back
            // further ahead than the neighbour accepts
            if (!session.closed && session.framesSent != session.framesSentAtRekey) {
                session.framesSentAtRekey = session.framesSent;
                session.session.rekey();
            }
        }, settings.rekeyInterval.toNanos(), settings.rekeyInterval.toNanos(), TimeUnit.NANOSECONDS);
        completeWaiters(session);
        attach(session, peer);
        LOG.log(Level.INFO, "{0} established", session);
        emit(TransportEvent.of(TransportEvent.Kind.LINK_ESTABLISHED, session.info(), ""));
        closeCrossedTwin(session, peer);
    }

    /**
     * Two nodes that dial each other at the same moment over one transport (discovery on one side, the DHT on the
     * other) end up with two links where one does. Both ends keep the one the smaller peer id dialled, so they close
     * the same link without a word; its unconfirmed frames move to the link that stays.
     */
    private void closeCrossedTwin(LinkSession session, PeerId peer) {
        Neighbour neighbour = neighbours.get(peer);
        if (neighbour == null || !session.secured) {
            return;
        }
        for (LinkSession other : neighbour.links) {
            if (other != session && !other.closed && other.secured && other.slot == session.slot
                    && other.outbound != session.outbound && other.state == LinkInfo.State.ESTABLISHED) {
                boolean weDialTheKeeper = localPeer.compareTo(peer) < 0;
                LinkSession drop = session.outbound == weDialTheKeeper ? other : session;
                closeLink(drop, "a second link to " + peer.shortName() + " over " + session.slot.id
                        + " (both ends dialled); the one " + (weDialTheKeeper ? "this node" : "the neighbour")
                        + " dialled stays");
                return;
            }
        }
    }

    /** Records that {@code session} reaches {@code peer}, then lets every waiting packet try again. */
    private void attach(LinkSession session, PeerId peer) {
        Neighbour neighbour = neighbours.computeIfAbsent(peer, p -> {
            Neighbour created = new Neighbour(p);
            neighboursByAddress.put(created.address, created);
            return created;
        });
        neighbour.links.add(session);
        pumpAll();
    }

    private void completeWaiters(LinkSession session) {
        LinkInfo info = session.info();
        for (CompletableFuture<LinkInfo> waiter : session.establishWaiters) {
            complete(waiter, info);
        }
        session.establishWaiters.clear();
    }

    /** Closes {@code session} (idempotent) and moves the traffic it had not confirmed to other links. */
    void closeLink(LinkSession session, String reason) {
        if (session.closed) {
            return;
        }
        session.closed = true;
        for (var timer : java.util.Arrays.asList(session.handshakeTimer, session.rekeyTimer, session.announceTimer)) {
            if (timer != null) {
                timer.cancel();
            }
        }
        closeQuietly(session.link);
        links.remove(session.id);
        session.slot.links.remove(session);
        for (CompletableFuture<LinkInfo> waiter : session.establishWaiters) {
            completeExceptionally(waiter, new TransportException("link closed before the neighbour was identified: "
                    + reason));
        }
        session.establishWaiters.clear();
        Set<PeerId> reached = new HashSet<>(session.heard);
        if (session.peer != null) {
            reached.add(session.peer);
        }
        for (PeerId peer : reached) {
            Neighbour neighbour = neighbours.get(peer);
            if (neighbour != null) {
                neighbour.links.remove(session);
                if (neighbour.links.isEmpty()) {
                    neighbours.remove(peer);
                    neighboursByAddress.remove(neighbour.address);
                }
            }
        }
        // re-offer what the transport had not confirmed as sent, ahead of newer packets
        for (Iterator<InFlight> it = session.inFlight.descendingIterator(); it.hasNext();) {
            Outgoing unconfirmed = it.next().outgoing;
            if (unconfirmed.leftVia != session) {
                requeue(unconfirmed);
            }
        }
        session.inFlight.clear();
        LOG.log(session.peer == null && session.heard.isEmpty() ? Level.DEBUG : Level.INFO, "{0} closed: {1}", session,
                reason);
        emit(TransportEvent.of(TransportEvent.Kind.LINK_CLOSED, session.info(), reason));
        pumpAll();
    }

    private static void closeQuietly(Link link) {
        try {
            link.close();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "transport failed to close a link", e);
        }
    }

    // ---------------------------------------------------------------- loop: traffic

    private void deliverLocally(String channel, byte[] payload, long messageId, CompletableFuture<DeliveryReceipt> result) {
        dispatch(new MeshMessage(localPeer, channel, payload, loop.currentTimeMillis()), null);
        deliveryLog.delivered(messageId, "local", loop.currentTimeMillis());
        complete(result, new DeliveryReceipt(localPeer, DeliveryStatus.DELIVERED, "local", loop.currentTimeMillis(),
                Long.toHexString(messageId)));
    }

    private void startReliable(ReliableMessage message, Packet first) {
        if (closed) {
            failReliable(message, "the node is stopped");
            return;
        }
        outbox.put(message.messageId, message);
        attempt(message, first);
    }

    // ---------------------------------------------------------------- loop: journal

    /** Removes a reliable message's journal record: it was acknowledged, or its lifetime ended. */
    private void forget(ReliableMessage message) {
        long sequence = message.journalSequence;
        if (sequence >= 0) {
            message.journalSequence = -1;
            writeLater(() -> removeQuietly(NodeJournal.Section.OUTBOX, sequence));
        }
    }

    /** Writes relayed packets that wait for lack of a path to the journal, once each. */
    private void keepInCustody(Destination destination) {
        for (Outgoing held : destination.queue) {
            if (held.ownMessage() || held.packet.type != Packet.DATA || held.custodyRecord != null) {
                continue;
            }
            CompletableFuture<Long> record = new CompletableFuture<>();
            held.custodyRecord = record;
            byte[] bytes = JournalRecords.custody(held.packet, millisAt(held.deadlineNanos));
            writeLater(() -> {
                try {
                    record.complete(journal.append(NodeJournal.Section.CUSTODY, bytes));
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "could not write a packet in custody to " + journal.location()
                            + "; it is held in memory only", e);
                    record.complete(-1L);
                }
            });
        }
    }

    /** The packet left custody (sent on, expired or dropped): its journal record goes. */
    private void releaseCustody(Outgoing outgoing) {
        CompletableFuture<Long> record = outgoing.custodyRecord;
        if (record != null) {
            outgoing.custodyRecord = null;
            // the writer runs in order, so the record is written by the time this removal runs
            writeLater(() -> {
                long sequence = record.getNow(-1L);
                if (sequence >= 0) {
                    removeQuietly(NodeJournal.Section.CUSTODY, sequence);
                }
            });
        }
    }

    /** Queues journal work on the writer; once the node is stopping, the work is left for the next start. */
    private void writeLater(Runnable work) {
        try {
            journalWriter.execute(work);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "journal writer stopped; the work is redone after a restart");
        }
    }

    private void removeQuietly(NodeJournal.Section section, long sequence) {
        try {
            journal.remove(section, sequence);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not remove record " + sequence + " of " + section + " from "
                    + journal.location() + "; it is handled again after a restart", e);
        }
    }

    private Map<NodeJournal.Section, List<NodeJournal.Entry>> readJournal() {
        Map<NodeJournal.Section, List<NodeJournal.Entry>> kept = new java.util.EnumMap<>(NodeJournal.Section.class);
        try {
            for (NodeJournal.Section section : NodeJournal.Section.values()) {
                kept.put(section, journal.load(section));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "could not read the journal in " + journal.location()
                    + "; messages kept from an earlier run are not resumed", e);
            kept.clear();
        }
        return kept;
    }

    /**
     * Takes up what the journal kept from an earlier run. Damaged records are reported and removed; expired ones
     * are removed; everything else resumes: messages are sent again, custody packets wait again, deliveries stay
     * remembered.
     */
    private void restore(Map<NodeJournal.Section, List<NodeJournal.Entry>> kept) {
        List<NodeJournal.Entry> outboxEntries = kept.getOrDefault(NodeJournal.Section.OUTBOX, List.of());
        List<NodeJournal.Entry> custodyEntries = kept.getOrDefault(NodeJournal.Section.CUSTODY, List.of());
        List<NodeJournal.Entry> deliveredEntries = kept.getOrDefault(NodeJournal.Section.DELIVERED, List.of());
        long nowMillis = loop.currentTimeMillis();
        long nowNanos = loop.nanoTime();
        for (NodeJournal.Entry entry : deliveredEntries) {
            try {
                long[] delivered = JournalRecords.deliveredRecord(entry.record);
                long age = Math.max(0, nowMillis - delivered[1]);
                if (age < settings.deliveredRetention.toMillis()) {
                    deliveredMessages.firstTime(delivered[0], nowNanos - TimeUnit.MILLISECONDS.toNanos(age));
                    deliveredRecords.addLast(new long[] {entry.sequence, delivered[1]});
                    continue;
                }
            } catch (MalformedFrameException e) {
                LOG.log(Level.WARNING, "removing a damaged delivered record from {0}: {1}", journal.location(),
                        e.getMessage());
            }
            writeLater(() -> removeQuietly(NodeJournal.Section.DELIVERED, entry.sequence));
        }
        pruneDeliveredRecords();
        int resumed = 0;
        for (NodeJournal.Entry entry : outboxEntries) {
            JournalRecords.OutboxRecord record;
            EndToEnd content;
            try {
                record = JournalRecords.OutboxRecord.decode(entry.record);
                content = EndToEnd.decode(record.endToEnd);
            } catch (MalformedFrameException e) {
                LOG.log(Level.ERROR, "removing a damaged outbox record from {0}: {1}", journal.location(),
                        e.getMessage());
                writeLater(() -> removeQuietly(NodeJournal.Section.OUTBOX, entry.sequence));
                continue;
            }
            deliveryLog.accepted(record.messageId, record.destination, content.channel, record.payloadLength, true,
                    record.acceptedMillis, record.expiresMillis);
            ReliableMessage message = new ReliableMessage(record.messageId, record.destination, record.endToEnd,
                    record.payloadLength, nowNanos + TimeUnit.MILLISECONDS.toNanos(record.expiresMillis - nowMillis),
                    new CompletableFuture<>());
            message.journalSequence = entry.sequence;
            outbox.put(message.messageId, message);
            attempt(message, null); // sealed afresh; fails it at once if its lifetime ended while the node was down
            resumed++;
        }
        int held = 0;
        for (NodeJournal.Entry entry : custodyEntries) {
            Packet packet;
            long expires;
            try {
                expires = JournalRecords.custodyExpiresMillis(entry.record);
                packet = JournalRecords.custodyPacket(entry.record);
            } catch (MalformedFrameException e) {
                LOG.log(Level.WARNING, "removing a damaged custody record from {0}: {1}", journal.location(),
                        e.getMessage());
                writeLater(() -> removeQuietly(NodeJournal.Section.CUSTODY, entry.sequence));
                continue;
            }
            if (expires <= nowMillis || custodyBytes + packet.body.length > settings.maxCustodyBytes) {
                writeLater(() -> removeQuietly(NodeJournal.Section.CUSTODY, entry.sequence));
                continue;
            }
            Outgoing relayed = new Outgoing(packet, null, 0, null, null, 0,
                    nowNanos + TimeUnit.MILLISECONDS.toNanos(expires - nowMillis), null);
            relayed.custodyRecord = CompletableFuture.completedFuture(entry.sequence);
            seenPackets.firstTime(packet.id(), nowNanos);
            custodyBytes += packet.body.length;
            enqueue(relayed);
            held++;
        }
        if (resumed + held > 0 || !deliveredRecords.isEmpty()) {
            LOG.log(Level.INFO, "resumed from " + journal.location() + ": " + resumed + " unacknowledged messages, "
                    + held + " packets in custody, " + deliveredRecords.size() + " deliveries remembered");
        }
    }

    /** Sends one attempt of a reliable message and schedules the next, with exponential backoff and jitter. */
    private void attempt(ReliableMessage message, Packet packet) {
        if (outbox.get(message.messageId) != message) {
            return;
        }
        long now = loop.nanoTime();
        if (now - message.deadlineNanos >= 0) {
            outbox.remove(message.messageId);
            forget(message);
            failReliable(message, "not acknowledged by " + message.destination + " within its lifetime ("
                    + message.attempts + (message.attempts == 1 ? " attempt)" : " attempts)"));
            return;
        }
        if (message.pending == null) {
            message.attempts++;
            Outgoing outgoing = new Outgoing(packet != null ? packet : dataPacket(message.destination, message.endToEnd),
                    message.destination, message.payloadLength, null, message, message.messageId, message.deadlineNanos,
                    message.lastNextHop);
            message.pending = outgoing;
            enqueue(outgoing);
        }
        long backoff = Math.min(settings.retryMaximum.toNanos(),
                settings.retryInitial.toNanos() << Math.min(20, Math.max(0, message.attempts - 1)));
        long jittered = backoff * 3 / 4 + ThreadLocalRandom.current().nextLong(Math.max(1, backoff / 2));
        long delay = Math.min(jittered, Math.max(0, message.deadlineNanos - now));
        message.retryTimer = loop.schedule(() -> attempt(message, null), delay, TimeUnit.NANOSECONDS);
    }

    private Destination destination(long address) {
        return destinations.computeIfAbsent(address, Destination::new);
    }

    private void enqueue(Outgoing outgoing) {
        if (closed) {
            if (outgoing.result != null) {
                failBestEffort(outgoing, "the node is stopped");
            }
            return;
        }
        outgoing.queuedNanos = loop.nanoTime();
        Destination destination = destination(outgoing.packet.destination);
        if (destination.queue.size() >= settings.maxQueuedMessagesPerPeer) {
            giveUp(outgoing, "too many packets waiting for " + NodeAddress.hex(destination.address) + " ("
                    + settings.maxQueuedMessagesPerPeer + ")");
            return;
        }
        destination.queue.add(outgoing);
        pump(destination);
    }

    /** Puts a packet a link failed to send back at the head of its queue. */
    private void requeue(Outgoing outgoing) {
        if (isCustody(outgoing)) {
            custodyBytes += outgoing.packet.body.length; // ours to hold again
        }
        destination(outgoing.packet.destination).queue.addFirst(outgoing);
    }

    /** A packet relayed for others: it counts against the custody budget while it waits here. */
    private static boolean isCustody(Outgoing outgoing) {
        return !outgoing.ownMessage() && outgoing.packet.type == Packet.DATA;
    }

    private void pumpAll() {
        for (Destination destination : new ArrayList<>(destinations.values())) {
            pump(destination);
        }
    }

    /**
     * Hands waiting packets to their next hops while links have room; holds the rest until a path appears. A packet
     * with no path (say, one relayed here that may not go back where it came from) does not hold up the packets
     * behind it that have one: it is set aside and put back at the head, in order, when the pass ends.
     */
    private void pump(Destination destination) {
        long now = loop.nanoTime();
        List<Outgoing> held = new ArrayList<>(0);
        try {
            pump(destination, now, held);
        } finally {
            for (int i = held.size() - 1; i >= 0; i--) {
                destination.queue.addFirst(held.get(i));
            }
        }
        if (!held.isEmpty()) {
            holdOnCarriers(destination);
            keepInCustody(destination);
        }
        armHoldTimer(destination);
    }

    private void pump(Destination destination, long now, List<Outgoing> held) {
        while (!destination.queue.isEmpty()) {
            Outgoing next = destination.queue.peekFirst();
            if (next.result != null && next.result.isDone()) {
                destination.queue.pollFirst();
                continue;
            }
            if (now - next.deadlineNanos >= 0) {
                destination.queue.pollFirst();
                giveUp(next, "no path to " + (next.peer != null ? next.peer.toString() : NodeAddress.hex(destination.address))
                        + " within its lifetime");
                continue;
            }
            Route route = route(destination, next);
            if (route == Route.DROP) {
                destination.queue.pollFirst();
                giveUp(next, "the flood budget is spent");
                continue;
            }
            if (route == null) {
                held.add(destination.queue.pollFirst()); // no path for this one now
                continue;
            }
            if (route.links.isEmpty()) {
                break; // every link on the path is busy: wait for room
            }
            destination.queue.pollFirst();
            if (next.owner != null) {
                next.owner.pending = null;
                next.owner.lastNextHop = route.nextHop;
            }
            if (isCustody(next)) {
                custodyBytes -= next.packet.body.length; // relayed: no longer ours to hold
                releaseCustody(next);
            }
            for (LinkSession link : route.links) {
                transmit(link, next);
            }
        }
    }

    /** Where a packet goes next: one link to one neighbour, or (flood) one link to each neighbour. */
    private static final class Route {
        /** A relayed packet the flood budget has no room for. */
        static final Route DROP = new Route(null, List.of());

        final PeerId nextHop;
        final List<LinkSession> links;

        Route(PeerId nextHop, List<LinkSession> links) {
            this.nextHop = nextHop;
            this.links = links;
        }
    }

    /** A next hop learned from traffic: replies and acknowledgements came back through it. */
    private static final class RouteEntry {
        final PeerId nextHop;
        final long learnedNanos;

        RouteEntry(PeerId nextHop, long learnedNanos) {
            this.nextHop = nextHop;
            this.learnedNanos = learnedNanos;
        }
    }

    private void learnRoute(long address, PeerId nextHop) {
        if (nextHop != null && address != localAddress) {
            routes.put(address, new RouteEntry(nextHop, loop.nanoTime()));
        }
    }

    /**
     * The tiers: the destination itself if it is a neighbour; else a next hop learned from traffic; else the neighbour
     * closest to it by XOR distance, if closer than this node; else a bounded flood to every neighbour. Returns null
     * when there is no neighbour to try (hold), and a route without links when the chosen links are busy.
     */
    private Route route(Destination destination, Outgoing outgoing) {
        Route route = route(destination, outgoing, outgoing.avoid);
        if (route == null && outgoing.avoid != null && outgoing.ownMessage()) {
            // a retry prefers another relay than its last attempt's, but the same relay beats holding it forever
            route = route(destination, outgoing, null);
        }
        return route;
    }

    private Route route(Destination destination, Outgoing outgoing, PeerId avoid) {
        Neighbour direct = neighboursByAddress.get(destination.address);
        if (direct != null) {
            return unicast(direct, outgoing);
        }
        RouteEntry learned = routes.get(destination.address);
        if (learned != null) {
            Neighbour hop = neighbours.get(learned.nextHop);
            boolean fresh = loop.nanoTime() - learned.learnedNanos < settings.custodyTime.toNanos();
            if (hop != null && fresh && !hop.peer.equals(avoid)) {
                return unicast(hop, outgoing);
            }
            if (!fresh || hop == null) {
                routes.remove(destination.address);
            }
        }
        Neighbour closest = null;
        for (Neighbour n : neighbours.values()) {
            if (n.peer.equals(avoid) || !usableFor(n, outgoing)) {
                continue;
            }
            if (NodeAddress.closer(n.address, closest == null ? localAddress : closest.address, destination.address)) {
                closest = n;
            }
        }
        if (closest != null) {
            return unicast(closest, outgoing);
        }
        return flood(outgoing, avoid);
    }

    private boolean usableFor(Neighbour neighbour, Outgoing outgoing) {
        for (LinkSession link : neighbour.links) {
            if (canCarry(link, outgoing)) {
                return true;
            }
        }
        return false;
    }

    private Route unicast(Neighbour neighbour, Outgoing outgoing) {
        LinkSession best = null;
        double bestScore = Double.MAX_VALUE;
        boolean anyUsable = false;
        for (LinkSession link : neighbour.links) {
            if (!canCarry(link, outgoing)) {
                continue;
            }
            anyUsable = true;
            if (link.inFlight.size() >= settings.maxFramesInFlightPerLink) {
                continue;
            }
            double score = linkScore(link.slot, outgoing.packet.body.length + Packet.HEADER, link.inFlight.size());
            if (score < bestScore) {
                best = link;
                bestScore = score;
            }
        }
        if (!anyUsable) {
            return null;
        }
        return new Route(neighbour.peer, best == null ? List.of() : List.of(best));
    }

    /**
     * A copy to every neighbour except the one to avoid, one transmission per broadcast link, within the flood rate
     * budget. Relayed packets over budget are dropped; this node's own wait for budget.
     */
    private Route flood(Outgoing outgoing, PeerId avoid) {
        Set<LinkSession> targets = new java.util.LinkedHashSet<>();
        PeerId firstHop = null;
        boolean busy = false;
        for (Neighbour n : neighbours.values()) {
            if (n.peer.equals(avoid)) {
                continue;
            }
            Route one = unicast(n, outgoing);
            if (one == null) {
                continue;
            }
            if (one.links.isEmpty()) {
                busy = true;
                continue;
            }
            targets.addAll(one.links);
            firstHop = firstHop == null ? n.peer : firstHop;
        }
        if (targets.isEmpty()) {
            return busy ? new Route(null, List.of()) : null;
        }
        if (!floodBudget.take(loop.nanoTime())) {
            if (!outgoing.ownMessage()) {
                LOG.log(Level.DEBUG, "flood budget spent: dropped a relayed packet for {0}",
                        NodeAddress.hex(outgoing.packet.destination));
                return Route.DROP;
            }
            return new Route(null, List.of());
        }
        return new Route(firstHop, new ArrayList<>(targets));
    }

    /** Whether {@code link} can send {@code outgoing} at all (mode, state, fragment limit). */
    private boolean canCarry(LinkSession link, Outgoing outgoing) {
        if (link.closed || link.state != LinkInfo.State.ESTABLISHED || link.link.mode() == LinkMode.RECEIVE_ONLY
                || !isUsable(link.slot.state)) {
            return false;
        }
        int size = outgoing.packet.body.length + Packet.HEADER;
        int framing = link.secured ? DUPLEX_FRAMING : SIMPLEX_FRAMING;
        int room = link.link.mtu() - framing;
        return size <= room || (long) (room - Fragments.HEADER) * Fragments.MAX_FRAGMENTS >= size;
    }

    /**
     * Estimated cost of sending one frame through {@code slot}, in microseconds of delay plus penalties: metered
     * and degraded media lose to free and healthy ones, then latency and serialisation time decide.
     */
    private static double linkScore(TransportSlot slot, int frameSize, int framesQueued) {
        TransportProfile profile = slot.transport.profile();
        double transmitMicros = frameSize * 8.0 * 1_000_000 / profile.bitrate() / profile.dutyCycle();
        double score = profile.latency().toNanos() / 1000.0 + transmitMicros * (1 + framesQueued);
        score += profile.cost() * 1_000_000.0;
        if (slot.state == TransportState.DEGRADED) {
            score += 1_000_000_000.0;
        }
        return score;
    }

    /** Copies packets held for lack of a path onto carrier links (removable media), once per link. */
    private void holdOnCarriers(Destination destination) {
        for (LinkSession link : links.values()) {
            if (!link.slot.transport.profile().carrier() || link.closed || link.link.mode() == LinkMode.RECEIVE_ONLY
                    || link.state != LinkInfo.State.ESTABLISHED) {
                continue;
            }
            for (Outgoing held : destination.queue) {
                if (held.carriedOn.add(link.id) && canCarry(link, held)) {
                    transmit(link, held);
                }
            }
        }
    }

    /** Frames {@code outgoing} for {@code session} (fragmenting if needed) and hands the frames to the transport. */
    private void transmit(LinkSession session, Outgoing outgoing) {
        byte[] packet = outgoing.packet.encode();
        boolean duplex = session.secured;
        int room = session.link.mtu() - (duplex ? DUPLEX_FRAMING : SIMPLEX_FRAMING);
        List<byte[]> bodies;
        byte innerType;
        if (packet.length <= room) {
            bodies = List.of(packet);
            innerType = duplex ? LinkCodec.INNER_PACKET : LinkCodec.PACKET;
        } else {
            bodies = Fragments.split(packet, room, ThreadLocalRandom.current().nextInt());
            innerType = duplex ? LinkCodec.INNER_FRAGMENT : LinkCodec.FRAGMENT;
        }
        InFlight entry = new InFlight(outgoing, bodies.size());
        session.inFlight.add(entry);
        outgoing.attempts++;
        for (byte[] body : bodies) {
            byte[] frame = duplex
                    ? LinkCodec.frame(LinkCodec.SECURE, session.session.encrypt(LinkCodec.frame(innerType, body)))
                    : LinkCodec.frame(innerType, body);
            session.framesSent++;
            session.bytesSent += frame.length;
            CompletionStage<Void> sending;
            try {
                sending = session.link.send(frame);
            } catch (RuntimeException e) {
                sending = CompletableFuture.failedFuture(e);
            }
            sending.whenComplete((ok, error) -> loop.execute(() -> frameSent(session, entry, error)));
        }
    }

    private void frameSent(LinkSession session, InFlight entry, Throwable error) {
        Outgoing outgoing = entry.outgoing;
        if (error == null) {
            if (--entry.framesLeft > 0) {
                return;
            }
            outgoing.leftVia = session;
            boolean wasInFlight = session.inFlight.remove(entry);
            if (!wasInFlight) {
                // the link closed and re-offered the packet, but it had in fact left: don't send it twice
                Destination destination = destinations.get(outgoing.packet.destination);
                if (destination != null) {
                    destination.queue.remove(outgoing);
                }
            }
            String path = session.slot.id + " " + session.remoteAddress;
            if (outgoing.result != null) {
                deliveryLog.sent(outgoing.messageId, path, loop.currentTimeMillis());
                complete(outgoing.result, new DeliveryReceipt(outgoing.peer, DeliveryStatus.SENT, path,
                        loop.currentTimeMillis(), Long.toHexString(outgoing.messageId)));
            } else if (outgoing.owner != null) {
                deliveryLog.attempted(outgoing.messageId, path, loop.currentTimeMillis());
            }
        } else if (session.inFlight.remove(entry)) {
            entry.framesLeft = -1;
            if (outgoing.attempts >= Outgoing.MAX_ATTEMPTS) {
                giveUp(outgoing, "sending failed " + outgoing.attempts + " times, last on " + session + ": "
                        + error.getMessage());
            } else {
                requeue(outgoing);
            }
        }
        Destination destination = destinations.get(outgoing.packet.destination);
        if (destination != null) {
            pump(destination);
            forgetIfIdle(destination);
        }
    }

    /** Ends an outgoing packet's life: fails a best-effort send, forgets a relayed packet, lets a retry try again. */
    private void giveUp(Outgoing outgoing, String reason) {
        if (outgoing.result != null) {
            failBestEffort(outgoing, reason);
        } else if (outgoing.owner != null) {
            if (outgoing.owner.pending == outgoing) {
                outgoing.owner.pending = null;
            }
        } else {
            if (isCustody(outgoing)) {
                custodyBytes -= outgoing.packet.body.length;
                releaseCustody(outgoing);
            }
            LOG.log(Level.DEBUG, "dropped a relayed packet: {0}", reason);
        }
    }

    /** Expires packets held too long; re-arms for the next deadline. */
    private void armHoldTimer(Destination destination) {
        if (destination.holdTimer != null) {
            destination.holdTimer.cancel();
            destination.holdTimer = null;
        }
        if (destination.queue.isEmpty()) {
            forgetIfIdle(destination);
            return;
        }
        long earliest = Long.MAX_VALUE;
        for (Outgoing o : destination.queue) {
            earliest = Math.min(earliest, o.deadlineNanos);
        }
        long delay = Math.max(0, earliest - loop.nanoTime());
        destination.holdTimer = loop.schedule(() -> {
            destination.holdTimer = null;
            pump(destination);
        }, delay, TimeUnit.NANOSECONDS);
    }

    private void forgetIfIdle(Destination destination) {
        if (destination.queue.isEmpty() && destination.holdTimer == null) {
            destinations.remove(destination.address, destination);
        }
    }

    /**
     * Hands {@code message} to every handler of its channel on the delivery executor; calls {@code whenHandled} (if
     * any) once all of them returned, with whether every one returned normally (true at once when no handler wants
     * the message).
     */
    private void dispatch(MeshMessage message, java.util.function.Consumer<Boolean> whenHandled) {
        List<HandlerRegistration> targets = new ArrayList<>();
        for (HandlerRegistration registration : handlers) {
            if (registration.accepts(message.channel())) {
                targets.add(registration);
            }
        }
        if (targets.isEmpty()) {
            LOG.log(Level.DEBUG, "no handler for {0}; dropped", message);
            if (whenHandled != null) {
                whenHandled.accept(true);
            }
            return;
        }
        AtomicInteger running = new AtomicInteger(targets.size());
        java.util.concurrent.atomic.AtomicBoolean allReturned = new java.util.concurrent.atomic.AtomicBoolean(true);
        for (HandlerRegistration registration : targets) {
            delivery.execute(() -> {
                try {
                    registration.handler.messageReceived(message);
                } catch (RuntimeException e) {
                    allReturned.set(false);
                    LOG.log(Level.ERROR, "message handler " + registration.handler + " failed on " + message, e);
                }
                if (running.decrementAndGet() == 0 && whenHandled != null) {
                    whenHandled.accept(allReturned.get());
                }
            });
        }
    }

    // ---------------------------------------------------------------- plumbing

    private void emit(TransportEvent event) {
        for (TransportEventListener listener : listeners) {
            delivery.execute(() -> {
                try {
                    listener.transportEvent(event);
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "transport event listener " + listener + " failed on " + event, e);
                }
            });
        }
    }

    private <T> void complete(CompletableFuture<T> future, T value) {
        delivery.execute(() -> future.complete(value));
    }

    private <T> void completeExceptionally(CompletableFuture<T> future, Throwable error) {
        delivery.execute(() -> future.completeExceptionally(error));
    }

    private void failBestEffort(Outgoing outgoing, String reason) {
        deliveryLog.failed(outgoing.messageId, reason, loop.currentTimeMillis());
        completeExceptionally(outgoing.result, new DeliveryException(reason));
    }

    private void failReliable(ReliableMessage message, String reason) {
        deliveryLog.failed(message.messageId, reason, loop.currentTimeMillis());
        completeExceptionally(message.result, new DeliveryException(reason));
    }

    /** Runs a read-only query on the loop and waits for it; answers {@code whenClosed} once the node is closed. */
    private <T> T query(Supplier<T> question, T whenClosed) {
        if (closed) {
            return whenClosed;
        }
        if (loop.inSchedulerThread()) {
            return question.get();
        }
        CompletableFuture<T> answer = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                answer.complete(question.get());
            } catch (Throwable t) {
                answer.completeExceptionally(t);
            }
        });
        try {
            return answer.get(QUERY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while querying the node", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("node query failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            if (closed) {
                return whenClosed;
            }
            throw new IllegalStateException("the node loop did not answer within " + QUERY_TIMEOUT_SECONDS + " s");
        }
    }

    private static final class HandlerRegistration {
        final MessageHandler handler;
        final Set<String> channels;

        HandlerRegistration(MessageHandler handler, Set<String> channels) {
            this.handler = Objects.requireNonNull(handler, "handler");
            this.channels = channels;
        }

        boolean accepts(String channel) {
            return channels.contains(MessageHandler.ALL_CHANNELS) || channels.contains(channel);
        }
    }
}
