package org.sovereignmesh.dht.internal;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.sovereignmesh.api.MeshNetwork;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.transport.LinkInfo;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.TransportEvent;
import org.sovereignmesh.api.transport.TransportManager;

/**
 * The DHT's network in a node: every RPC is an application message on the {@value #CHANNEL} channel, so the core
 * seals it end to end and signs it like any payload, whatever the medium. A contact that has no link yet is
 * reached by opening one to its addresses ({@code /p2p/<peer>} appended, so nobody else can answer); messages for
 * it wait (a few, briefly) until the link is up. A peer that cannot be reached is reported to the node at once.
 *
 * <p>Knows which peers are linked from the transport events it is given, so sending never has to ask the core
 * (which would block).
 */
public final class MeshDhtNetwork implements DhtNetwork {
    public static final String CHANNEL = "dht";
    private static final System.Logger LOG = System.getLogger(MeshDhtNetwork.class.getName());
    private static final int MAX_WAITING_PER_PEER = 16;
    private static final int MAX_CONNECTING = 64;

    private final MeshNetwork mesh;
    private final TransportManager transports;
    private final Consumer<PeerId> unreachable;
    private final Consumer<PeerId> linked;
    private final Map<PeerId, AtomicInteger> links = new ConcurrentHashMap<>();
    /** Messages waiting for a link being opened; guarded by itself. */
    private final Map<PeerId, Deque<byte[]>> waiting = new HashMap<>();

    /**
     * @param unreachable told (from any thread) when a peer cannot be reached, so its requests fail at once
     * @param linked      told (from any thread) when a link to a peer is established
     */
    public MeshDhtNetwork(MeshNetwork mesh, TransportManager transports, Consumer<PeerId> unreachable,
            Consumer<PeerId> linked) {
        this.mesh = mesh;
        this.transports = transports;
        this.unreachable = unreachable;
        this.linked = linked;
    }

    /** Follows links opening and closing (register the owner as a TransportEventListener and forward here). */
    public void transportEvent(TransportEvent event) {
        LinkInfo link = event.link().orElse(null);
        if (link == null || link.peer().isEmpty()) {
            return;
        }
        PeerId peer = link.peer().get();
        if (event.kind() == TransportEvent.Kind.LINK_ESTABLISHED) {
            links.computeIfAbsent(peer, p -> new AtomicInteger()).incrementAndGet();
            linked.accept(peer);
        } else if (event.kind() == TransportEvent.Kind.LINK_CLOSED) {
            AtomicInteger count = links.get(peer);
            if (count != null && count.decrementAndGet() <= 0) {
                links.remove(peer);
            }
        }
    }

    /** Seeds the set of linked peers (at start, from {@link MeshNetwork#neighbours()}). */
    public void linkedAlready(Set<PeerId> peers) {
        peers.forEach(p -> links.computeIfAbsent(p, k -> new AtomicInteger(1)));
    }

    public boolean isLinked(PeerId peer) {
        return links.containsKey(peer);
    }

    @Override
    public void send(Contact to, byte[] message) {
        PeerId peer = to.peer();
        if (links.containsKey(peer) || to.addresses().isEmpty()) {
            // linked, or nothing better to try: the core holds the message briefly for a link to appear
            deliver(peer, message);
            return;
        }
        boolean start;
        synchronized (waiting) {
            Deque<byte[]> queue = waiting.get(peer);
            start = queue == null;
            if (start && waiting.size() >= MAX_CONNECTING) {
                LOG.log(Level.DEBUG, "too many links being opened; {0} unreachable for now", peer.shortName());
                unreachable.accept(peer);
                return;
            }
            if (start) {
                queue = new ArrayDeque<>();
                waiting.put(peer, queue);
            }
            if (queue.size() < MAX_WAITING_PER_PEER) {
                queue.add(message);
            }
        }
        if (start) {
            connect(peer, new ArrayList<>(to.addresses()), 0);
        }
    }

    private void connect(PeerId peer, List<MeshAddress> addresses, int index) {
        if (links.containsKey(peer)) {
            flush(peer, true);
            return;
        }
        if (index >= addresses.size()) {
            flush(peer, false);
            return;
        }
        CompletionStage<LinkInfo> opening;
        try {
            opening = transports.connect(addresses.get(index).withPeer(peer));
        } catch (RuntimeException e) {
            connect(peer, addresses, index + 1);
            return;
        }
        opening.whenComplete((link, error) -> {
            if (error == null) {
                // counted as linked from now on; the link's own events keep the count (0 until it is reported)
                links.computeIfAbsent(peer, p -> new AtomicInteger());
                flush(peer, true);
            } else {
                LOG.log(Level.DEBUG, "DHT contact {0} not reachable at {1}: {2}", peer.shortName(),
                        addresses.get(index), error.getMessage());
                connect(peer, addresses, index + 1);
            }
        });
    }

    private void flush(PeerId peer, boolean reachable) {
        Deque<byte[]> queue;
        synchronized (waiting) {
            queue = waiting.remove(peer);
        }
        if (!reachable) {
            unreachable.accept(peer);
            return;
        }
        if (queue != null) {
            for (byte[] m : queue) {
                deliver(peer, m);
            }
        }
    }

    private void deliver(PeerId peer, byte[] message) {
        try {
            mesh.send(peer, CHANNEL, message).whenComplete((receipt, error) -> {
                if (error != null) {
                    unreachable.accept(peer);
                }
            });
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "DHT message to {0} refused: {1}", peer.shortName(), e.getMessage());
            unreachable.accept(peer);
        }
    }
}
