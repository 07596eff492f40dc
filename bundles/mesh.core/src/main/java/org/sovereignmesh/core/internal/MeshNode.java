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

/**
 * A mesh node in plain Java: the same object runs inside OSGi (wrapped by {@link MeshNodeComponent}), in unit
 * tests and in simulation.
 *
 * <p>All state is confined to the node's {@link Scheduler} thread (the loop). Transports, applications and
 * management callers may call the public methods from any thread; those hop onto the loop. Application callbacks,
 * events and the completion of returned stages run on a separate {@code delivery} executor, so application code
 * can never stall the loop.
 */
public final class MeshNode implements MeshNetwork, TransportManager, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MeshNode.class.getName());
    private static final long QUERY_TIMEOUT_SECONDS = 10;

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
    private long nextLinkId = 1;

    /**
     * @param loop     runs all protocol work; the node owns no thread of its own
     * @param delivery runs application callbacks and events, one at a time
     */
    public MeshNode(PeerId localPeer, Scheduler loop, Executor delivery, NodeSettings settings) {
        this.localPeer = Objects.requireNonNull(localPeer, "localPeer");
        this.loop = Objects.requireNonNull(loop, "loop");
        this.delivery = Objects.requireNonNull(delivery, "delivery");
        this.settings = Objects.requireNonNull(settings, "settings");
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

    @Override
    public CompletionStage<DeliveryReceipt> send(PeerId destination, String channel, byte[] payload) {
        Objects.requireNonNull(destination, "destination");
        MeshMessage.requireValidChannel(channel);
        if (payload.length > settings.maxPayloadSize) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds the maximum of "
                    + settings.maxPayloadSize);
        }
        CompletableFuture<DeliveryReceipt> result = new CompletableFuture<>();
        Outgoing message = new Outgoing(channel, payload.clone(), result,
                loop.nanoTime() + settings.holdTimeout.toNanos());
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
                    closeLink(session, "neighbour did not identify itself within " + settings.handshakeTimeout);
                }
            }, settings.handshakeTimeout);
            sendControl(session, LinkCodec.hello(localPeer));
        }
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
            switch (LinkCodec.type(frame)) {
                case LinkCodec.HELLO:
                    helloReceived(session, LinkCodec.helloPeer(frame));
                    break;
                case LinkCodec.DATA:
                    if (session.state != LinkInfo.State.ESTABLISHED) {
                        throw new MalformedFrameException("DATA before the neighbour identified itself");
                    }
                    LinkCodec.Data data = LinkCodec.decodeData(frame);
                    dispatch(new MeshMessage(session.peer, data.channel, data.payload, loop.currentTimeMillis()));
                    break;
                default:
                    throw new MalformedFrameException("unexpected frame type");
            }
        } catch (MalformedFrameException e) {
            LOG.log(Level.WARNING, "{0}: protocol error, closing: {1}", session, e.getMessage());
            closeLink(session, "protocol error: " + e.getMessage());
        }
    }

    private void helloReceived(LinkSession session, PeerId peer) throws MalformedFrameException {
        if (session.state != LinkInfo.State.HANDSHAKING) {
            throw new MalformedFrameException("second HELLO on an established link");
        }
        if (peer.equals(localPeer)) {
            closeLink(session, "the link leads back to this node");
            return;
        }
        if (session.expectedPeer != null && !session.expectedPeer.equals(peer)) {
            closeLink(session, "expected peer " + session.expectedPeer + " but the neighbour is " + peer);
            return;
        }
        if (session.handshakeTimer != null) {
            session.handshakeTimer.cancel();
        }
        session.state = LinkInfo.State.ESTABLISHED;
        session.peer = peer;
        Neighbour neighbour = neighbours.computeIfAbsent(peer, Neighbour::new);
        neighbour.links.add(session);
        LinkInfo info = session.info();
        for (CompletableFuture<LinkInfo> waiter : session.establishWaiters) {
            complete(waiter, info);
        }
        session.establishWaiters.clear();
        LOG.log(Level.INFO, "{0} established", session);
        emit(TransportEvent.of(TransportEvent.Kind.LINK_ESTABLISHED, info, ""));
        pump(neighbour);
    }

    /** Closes {@code session} (idempotent) and moves the traffic it had not confirmed to the peer's other links. */
    void closeLink(LinkSession session, String reason) {
        if (session.closed) {
            return;
        }
        session.closed = true;
        if (session.handshakeTimer != null) {
            session.handshakeTimer.cancel();
        }
        closeQuietly(session.link);
        links.remove(session.id);
        session.slot.links.remove(session);
        for (CompletableFuture<LinkInfo> waiter : session.establishWaiters) {
            completeExceptionally(waiter, new TransportException("link closed before the neighbour was identified: "
                    + reason));
        }
        session.establishWaiters.clear();
        if (session.peer != null) {
            Neighbour neighbour = neighbours.get(session.peer);
            if (neighbour != null) {
                neighbour.links.remove(session);
                for (Iterator<Outgoing> it = session.inFlight.descendingIterator(); it.hasNext();) {
                    Outgoing unconfirmed = it.next();
                    if (unconfirmed.leftVia != session) {
                        neighbour.queue.addFirst(unconfirmed);
                    }
                }
                session.inFlight.clear();
                pump(neighbour);
            }
        }
        LOG.log(session.peer == null ? Level.DEBUG : Level.INFO, "{0} closed: {1}", session, reason);
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

    private void enqueue(PeerId destination, Outgoing message) {
        if (closed) {
            fail(message, "the node is stopped");
            return;
        }
        if (destination.equals(localPeer)) {
            dispatch(new MeshMessage(localPeer, message.channel, message.payload, loop.currentTimeMillis()));
            complete(message.result, new DeliveryReceipt(destination, DeliveryStatus.DELIVERED, "local",
                    loop.currentTimeMillis()));
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
            int frameSize = LinkCodec.dataFrameSize(next.channel, next.payload.length);
            LinkSession link = bestLink(neighbour, frameSize);
            if (link == null) {
                if (!neighbour.links.isEmpty() && neighbour.links.stream().allMatch(l -> l.link.mtu() < frameSize)) {
                    neighbour.queue.pollFirst();
                    fail(next, "a message of " + next.payload.length + " bytes does not fit the MTU of any link to "
                            + neighbour.peer.shortName());
                    continue;
                }
                break;
            }
            neighbour.queue.pollFirst();
            transmit(link, next);
        }
        armHoldTimer(neighbour);
    }

    private LinkSession bestLink(Neighbour neighbour, int frameSize) {
        LinkSession best = null;
        double bestScore = Double.MAX_VALUE;
        for (LinkSession s : neighbour.links) {
            if (s.closed || s.link.mode() != LinkMode.DUPLEX || !isUsable(s.slot.state)
                    || s.inFlight.size() >= settings.maxFramesInFlightPerLink || s.link.mtu() < frameSize) {
                continue;
            }
            double score = linkScore(s.slot, frameSize, s.inFlight.size());
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

    private void transmit(LinkSession session, Outgoing message) {
        byte[] frame = LinkCodec.data(message.channel, message.payload);
        session.inFlight.add(message);
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
            loop.execute(() -> transmitted(session, message, error));
        });
    }

    private void transmitted(LinkSession session, Outgoing message, Throwable error) {
        boolean wasInFlight = session.inFlight.remove(message);
        Neighbour neighbour = session.peer == null ? null : neighbours.get(session.peer);
        if (error == null) {
            if (!wasInFlight && neighbour != null) {
                // the link closed and re-offered the message, but the frame had in fact left: don't send it twice
                neighbour.queue.remove(message);
            }
            complete(message.result, new DeliveryReceipt(session.peer, DeliveryStatus.SENT,
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
