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
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.sovereignmesh.api.DeliveryException;
import org.sovereignmesh.api.DeliveryReceipt;
import org.sovereignmesh.api.DeliveryStatus;
import org.sovereignmesh.api.MeshMessage;
import org.sovereignmesh.api.MeshNetwork;
import org.sovereignmesh.api.MessageHandler;
import org.sovereignmesh.api.PeerId;
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
public final class MeshNode implements MeshNetwork, TransportManager, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MeshNode.class.getName());
    private static final long QUERY_TIMEOUT_SECONDS = 10;
    /** Bytes of a frame that are not application payload: framing, end-to-end seal, channel. */
    static final int FRAME_OVERHEAD = 1 + Math.max(1 + SecureSession.OVERHEAD, LinkCodec.HINT_SIZE) + MeshCrypto.SEAL_OVERHEAD + 1;

    private final NodeKeys keys;
    private final MeshCrypto crypto;
    private final PeerId localPeer;
    private final Scheduler loop;
    private final Executor delivery;
    private final NodeSettings settings;
    private final List<HandlerRegistration> handlers = new CopyOnWriteArrayList<>();
    private final List<TransportEventListener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    // loop-confined
    private final Map<Transport, TransportSlot> transports = new LinkedHashMap<>();
    private final Map<Long, LinkSession> links = new TreeMap<>();
    private final Map<PeerId, Neighbour> neighbours = new HashMap<>();
    private final Set<MeshAddress> connecting = new HashSet<>();
    private final ReplayGuard replayGuard;
    private long nextLinkId = 1;

    /**
     * @param keys     this node's identity and key-agreement keys
     * @param crypto   the cryptographic operations
     * @param loop     runs all protocol work; the node owns no thread of its own
     * @param delivery runs application callbacks and events, one at a time
     */
    public MeshNode(NodeKeys keys, MeshCrypto crypto, Scheduler loop, Executor delivery, NodeSettings settings) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.crypto = Objects.requireNonNull(crypto, "crypto");
        this.localPeer = keys.peerId();
        this.loop = Objects.requireNonNull(loop, "loop");
        this.delivery = Objects.requireNonNull(delivery, "delivery");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.replayGuard = crypto.replayGuard(settings.replayHorizon, settings.replayCapacity);
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
    public CompletionStage<DeliveryReceipt> send(PeerId destination, String channel, byte[] payload) {
        Objects.requireNonNull(destination, "destination");
        MeshMessage.requireValidChannel(channel);
        if (payload.length > settings.maxPayloadSize) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds the maximum of "
                    + settings.maxPayloadSize);
        }
        CompletableFuture<DeliveryReceipt> result = new CompletableFuture<>();
        if (destination.equals(localPeer)) {
            byte[] copy = payload.clone();
            loop.execute(() -> deliverLocally(channel, copy, result));
            return result.minimalCompletionStage();
        }
        byte[] sealed = crypto.seal(keys, destination, LinkCodec.endToEndPayload(channel, payload),
                loop.currentTimeMillis());
        Outgoing message = new Outgoing(sealed, payload.length, result, loop.nanoTime() + settings.holdTimeout.toNanos());
        loop.execute(() -> enqueue(destination, message));
        return result.minimalCompletionStage();
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
            for (Neighbour n : neighbours.values()) {
                for (Outgoing o : n.queue) {
                    fail(o, "the node stopped before the message could be sent");
                }
                n.queue.clear();
            }
            neighbours.clear();
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
        if (link.mode() == LinkMode.DUPLEX) {
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
            boolean duplex = session.link.mode() == LinkMode.DUPLEX;
            if (duplex != (type == LinkCodec.HANDSHAKE || type == LinkCodec.SECURE)) {
                throw new MalformedFrameException((duplex ? "unsealed frame type " : "session frame type ")
                        + (type & 0xff) + " on a " + session.link.mode() + " link");
            }
            switch (type) {
                case LinkCodec.HANDSHAKE:
                    handshakeReceived(session, LinkCodec.body(frame));
                    break;
                case LinkCodec.SECURE:
                    secureFrameReceived(session, LinkCodec.body(frame));
                    break;
                case LinkCodec.SEALED:
                    if (LinkCodec.hintMatches(frame, localPeer)) {
                        endToEndReceived(session, LinkCodec.sealedPacketOf(frame));
                    }
                    break;
                default:
                    announcementReceived(session, LinkCodec.body(frame));
                    break;
            }
        } catch (MalformedFrameException e) {
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
        if (inner.length < 1 || inner[0] != LinkCodec.DATA) {
            throw new MalformedFrameException("unknown inner message type " + (inner.length < 1 ? -1 : inner[0] & 0xff));
        }
        endToEndReceived(session, java.util.Arrays.copyOfRange(inner, 1, inner.length));
    }

    /**
     * Opens an end-to-end packet. A packet that fails its checks is dropped without closing the link: on a shared
     * medium or through a relay the neighbour may be innocent.
     */
    private void endToEndReceived(LinkSession session, byte[] sealed) {
        OpenedPacket packet;
        LinkCodec.Application application;
        try {
            packet = crypto.open(keys, sealed);
            replayGuard.accept(packet, loop.currentTimeMillis());
            application = LinkCodec.application(packet.payload());
        } catch (CryptoException | MalformedFrameException e) {
            LOG.log(Level.WARNING, "{0}: dropped an end-to-end packet: {1}", session, e.getMessage());
            return;
        }
        if (session.link.mode() != LinkMode.DUPLEX) {
            heard(session, packet.sender());
        }
        dispatch(new MeshMessage(packet.sender(), application.channel, application.payload, loop.currentTimeMillis()));
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
        Neighbour neighbour = neighbours.computeIfAbsent(peer, Neighbour::new);
        neighbour.links.add(session);
        LOG.log(Level.INFO, "{0} reaches {1}", session, peer.shortName());
        emit(TransportEvent.of(TransportEvent.Kind.LINK_ESTABLISHED, session.info(), "heard " + peer));
        pump(neighbour);
    }

    private void established(LinkSession session, PeerId peer) {
        if (session.handshakeTimer != null) {
            session.handshakeTimer.cancel();
        }
        session.state = LinkInfo.State.ESTABLISHED;
        session.peer = peer;
        session.rekeyTimer = loop.scheduleAtFixedRate(() -> {
            if (!session.closed) {
                session.session.rekey();
            }
        }, settings.rekeyInterval.toNanos(), settings.rekeyInterval.toNanos(), TimeUnit.NANOSECONDS);
        Neighbour neighbour = neighbours.computeIfAbsent(peer, Neighbour::new);
        neighbour.links.add(session);
        completeWaiters(session);
        LOG.log(Level.INFO, "{0} established", session);
        emit(TransportEvent.of(TransportEvent.Kind.LINK_ESTABLISHED, session.info(), ""));
        pump(neighbour);
    }

    private void completeWaiters(LinkSession session) {
        LinkInfo info = session.info();
        for (CompletableFuture<LinkInfo> waiter : session.establishWaiters) {
            complete(waiter, info);
        }
        session.establishWaiters.clear();
    }

    /** Closes {@code session} (idempotent) and moves the traffic it had not confirmed to the peer's other links. */
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
        List<Neighbour> affected = new ArrayList<>();
        for (PeerId peer : reached) {
            Neighbour neighbour = neighbours.get(peer);
            if (neighbour != null) {
                neighbour.links.remove(session);
                affected.add(neighbour);
            }
        }
        // re-offer what the transport had not confirmed as sent, ahead of newer messages
        for (Iterator<InFlight> it = session.inFlight.descendingIterator(); it.hasNext();) {
            InFlight unconfirmed = it.next();
            if (unconfirmed.message.leftVia != session) {
                Neighbour neighbour = neighbours.get(unconfirmed.destination);
                if (neighbour != null) {
                    neighbour.queue.addFirst(unconfirmed.message);
                }
            }
        }
        session.inFlight.clear();
        for (Neighbour neighbour : affected) {
            pump(neighbour);
        }
        LOG.log(session.peer == null && session.heard.isEmpty() ? Level.DEBUG : Level.INFO, "{0} closed: {1}", session,
                reason);
        emit(TransportEvent.of(TransportEvent.Kind.LINK_CLOSED, session.info(), reason));
    }

    private static void closeQuietly(Link link) {
        try {
            link.close();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "transport failed to close a link", e);
        }
    }

    // ---------------------------------------------------------------- loop: traffic

    private void deliverLocally(String channel, byte[] payload, CompletableFuture<DeliveryReceipt> result) {
        dispatch(new MeshMessage(localPeer, channel, payload, loop.currentTimeMillis()));
        complete(result, new DeliveryReceipt(localPeer, DeliveryStatus.DELIVERED, "local", loop.currentTimeMillis()));
    }

    private void enqueue(PeerId destination, Outgoing message) {
        if (closed) {
            fail(message, "the node is stopped");
            return;
        }
        Neighbour neighbour = neighbours.computeIfAbsent(destination, Neighbour::new);
        if (neighbour.queue.size() >= settings.maxQueuedMessagesPerPeer) {
            fail(message, "too many messages waiting for " + destination.shortName() + " ("
                    + settings.maxQueuedMessagesPerPeer + ")");
            return;
        }
        neighbour.queue.add(message);
        pump(neighbour);
    }

    /** Hands queued messages to the neighbour's best links while they have room; arms the hold timer otherwise. */
    private void pump(Neighbour neighbour) {
        while (!neighbour.queue.isEmpty()) {
            Outgoing next = neighbour.queue.peekFirst();
            if (next.result.isDone()) {
                neighbour.queue.pollFirst();
                continue;
            }
            LinkSession link = bestLink(neighbour, next);
            if (link == null) {
                if (!neighbour.links.isEmpty() && neighbour.links.stream().allMatch(l -> frameSize(l, next) > l.link.mtu())) {
                    neighbour.queue.pollFirst();
                    fail(next, "a message of " + next.payloadLength + " bytes does not fit the MTU of any link to "
                            + neighbour.peer.shortName() + " (" + FRAME_OVERHEAD + " bytes of each frame are security"
                            + " and framing)");
                    continue;
                }
                break;
            }
            neighbour.queue.pollFirst();
            transmit(link, neighbour.peer, next);
        }
        armHoldTimer(neighbour);
    }

    /** Bytes {@code message} takes on {@code link}: a session frame on duplex links, a sealed frame otherwise. */
    private static int frameSize(LinkSession link, Outgoing message) {
        return link.link.mode() == LinkMode.DUPLEX ? 1 + SecureSession.OVERHEAD + 1 + message.sealed.length
                : 1 + LinkCodec.HINT_SIZE + message.sealed.length;
    }

    private LinkSession bestLink(Neighbour neighbour, Outgoing message) {
        LinkSession best = null;
        double bestScore = Double.MAX_VALUE;
        for (LinkSession s : neighbour.links) {
            int size = frameSize(s, message);
            if (s.closed || s.state != LinkInfo.State.ESTABLISHED || s.link.mode() == LinkMode.RECEIVE_ONLY
                    || !isUsable(s.slot.state) || s.inFlight.size() >= settings.maxFramesInFlightPerLink
                    || s.link.mtu() < size) {
                continue;
            }
            double score = linkScore(s.slot, size, s.inFlight.size());
            if (score < bestScore) {
                best = s;
                bestScore = score;
            }
        }
        return best;
    }

    /**
     * Estimated cost of sending one frame through {@code slot}, in microseconds of delay plus penalties: metered
     * and degraded media lose to free and healthy ones, then latency and serialisation time decide.
     */
    private static double linkScore(TransportSlot slot, int frameSize, int framesQueued) {
        TransportProfile profile = slot.transport.profile();
        double transmitMicros = frameSize * 8.0 * 1_000_000 / profile.bitrate();
        double score = profile.latency().toNanos() / 1000.0 + transmitMicros * (1 + framesQueued);
        score += profile.cost() * 1_000_000.0;
        if (slot.state == TransportState.DEGRADED) {
            score += 1_000_000_000.0;
        }
        return score;
    }

    private void transmit(LinkSession session, PeerId destination, Outgoing message) {
        byte[] frame;
        if (session.link.mode() == LinkMode.DUPLEX) {
            byte[] inner = new byte[1 + message.sealed.length];
            inner[0] = LinkCodec.DATA;
            System.arraycopy(message.sealed, 0, inner, 1, message.sealed.length);
            frame = LinkCodec.frame(LinkCodec.SECURE, session.session.encrypt(inner));
        } else {
            frame = LinkCodec.sealedFrame(destination, message.sealed);
        }
        InFlight entry = new InFlight(destination, message);
        session.inFlight.add(entry);
        session.framesSent++;
        session.bytesSent += frame.length;
        message.attempts++;
        CompletionStage<Void> sending;
        try {
            sending = session.link.send(frame);
        } catch (RuntimeException e) {
            sending = CompletableFuture.failedFuture(e);
        }
        sending.whenComplete((ok, error) -> {
            if (error == null) {
                message.leftVia = session;
            }
            loop.execute(() -> transmitted(session, entry, error));
        });
    }

    private void transmitted(LinkSession session, InFlight entry, Throwable error) {
        Outgoing message = entry.message;
        boolean wasInFlight = session.inFlight.remove(entry);
        Neighbour neighbour = neighbours.get(entry.destination);
        if (error == null) {
            if (!wasInFlight && neighbour != null) {
                // the link closed and re-offered the message, but the frame had in fact left: don't send it twice
                neighbour.queue.remove(message);
            }
            complete(message.result, new DeliveryReceipt(entry.destination, DeliveryStatus.SENT,
                    session.slot.id + " " + session.remoteAddress, loop.currentTimeMillis()));
        } else if (wasInFlight && neighbour != null) {
            if (message.attempts >= Outgoing.MAX_ATTEMPTS) {
                fail(message, "sending failed " + message.attempts + " times, last on " + session + ": "
                        + error.getMessage());
            } else {
                neighbour.queue.addFirst(message);
            }
        }
        if (neighbour != null) {
            pump(neighbour);
            forgetIfIdle(neighbour);
        }
    }

    /** Fails messages that waited longer than the hold timeout for a link; re-arms for the next one. */
    private void armHoldTimer(Neighbour neighbour) {
        if (neighbour.holdTimer != null) {
            neighbour.holdTimer.cancel();
            neighbour.holdTimer = null;
        }
        if (neighbour.queue.isEmpty() || !neighbour.links.isEmpty()) {
            return;
        }
        long delay = Math.max(0, neighbour.queue.peekFirst().deadlineNanos - loop.nanoTime());
        neighbour.holdTimer = loop.schedule(() -> expireWaiting(neighbour), delay, TimeUnit.NANOSECONDS);
    }

    private void expireWaiting(Neighbour neighbour) {
        neighbour.holdTimer = null;
        if (!neighbour.links.isEmpty()) {
            return;
        }
        long now = loop.nanoTime();
        while (!neighbour.queue.isEmpty() && neighbour.queue.peekFirst().deadlineNanos <= now) {
            fail(neighbour.queue.pollFirst(), "no link to " + neighbour.peer + " within " + settings.holdTimeout);
        }
        armHoldTimer(neighbour);
        forgetIfIdle(neighbour);
    }

    private void forgetIfIdle(Neighbour neighbour) {
        if (neighbour.idle()) {
            neighbours.remove(neighbour.peer, neighbour);
        }
    }

    private void dispatch(MeshMessage message) {
        boolean handled = false;
        for (HandlerRegistration registration : handlers) {
            if (registration.accepts(message.channel())) {
                handled = true;
                delivery.execute(() -> {
                    try {
                        registration.handler.messageReceived(message);
                    } catch (RuntimeException e) {
                        LOG.log(Level.ERROR, "message handler " + registration.handler + " failed on " + message, e);
                    }
                });
            }
        }
        if (!handled) {
            LOG.log(Level.DEBUG, "no handler for {0}; dropped", message);
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

    private void fail(Outgoing message, String reason) {
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
