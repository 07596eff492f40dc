package org.sovereignmesh.core.internal;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.sovereignmesh.api.MeshMessage;
import org.sovereignmesh.api.MessageHandler;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.transport.TransportEvent;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.api.transport.TransportProfile;
import org.sovereignmesh.crypto.MeshCrypto;
import org.sovereignmesh.crypto.NodeKeys;
import org.sovereignmesh.crypto.internal.LocalNodeKeys;
import org.sovereignmesh.crypto.internal.MeshCryptoImpl;
import org.sovereignmesh.time.VirtualScheduler;
import org.sovereignmesh.transport.loopback.internal.LoopbackTransport;

/** Nodes wired to one virtual clock, with the messages and events each one saw. */
final class TestNodes {
    private static final SecureRandom RANDOM = new SecureRandom();
    static final MeshCrypto CRYPTO = new MeshCryptoImpl();
    /** Starts now-ish, so end-to-end packets (stamped by this clock) are within every replay horizon. */
    final VirtualScheduler clock = new VirtualScheduler(System.currentTimeMillis()).propagateTaskFailures();

    static PeerId randomPeer() {
        return LocalNodeKeys.generate().peerId();
    }

    Node node() {
        return node(new NodeSettings());
    }

    Node node(NodeSettings settings) {
        return new Node(new MeshNode(LocalNodeKeys.generate(), CRYPTO, clock, clock, settings));
    }

    /** A node with a given identity and journal: a node that comes back after a crash is made this way. */
    Node node(NodeKeys keys, NodeJournal journal) {
        return new Node(new MeshNode(keys, CRYPTO, clock, clock, new NodeSettings(), journal, Runnable::run));
    }

    /** An endpoint on the medium named like {@code id}: transports with different ids never reach each other. */
    static LoopbackTransport loopback(String id, String name, Duration latency) {
        return new LoopbackTransport(id, id, name + "-" + Long.toHexString(RANDOM.nextLong()),
                TransportProfile.builder().latency(latency).build(), false);
    }

    private int media;

    /**
     * Links {@code a} and {@code b} over a medium of their own (a private loopback medium), and waits for the link.
     *
     * @return the two transports, a's first
     */
    Transport[] link(Node a, Node b, Duration latency, double lossRate) throws Exception {
        String medium = "m" + (++media);
        // always wrapped, so a test can make any link lossy later
        Transport ta = new LossyTransport(loopback(medium, "a", latency), lossRate, media * 2L);
        Transport tb = new LossyTransport(loopback(medium, "b", latency), lossRate, media * 2L + 1);
        a.mesh.addTransport(ta, "test");
        b.mesh.addTransport(tb, "test");
        clock.runFor(Duration.ofMillis(1));
        MeshAddress target = ((LoopbackTransport) ((LossyTransport) tb).inner()).address();
        await(a.mesh.connect(target));
        clock.runFor(Duration.ofMillis(10));
        Transport[] made = {ta, tb};
        pairs.add(new Pair(a, b, made));
        return made;
    }

    /** @return every transport of the links made between {@code a} and {@code b} so far, in order */
    List<Transport> transportsOf(Node a, Node b) {
        return pairs.stream().filter(p -> p.a == a && p.b == b || p.a == b && p.b == a)
                .flatMap(p -> java.util.stream.Stream.of(p.transports)).collect(java.util.stream.Collectors.toList());
    }

    private final List<Pair> pairs = new CopyOnWriteArrayList<>();

    private static final class Pair {
        final Node a;
        final Node b;
        final Transport[] transports;

        Pair(Node a, Node b, Transport[] transports) {
            this.a = a;
            this.b = b;
            this.transports = transports;
        }
    }

    Transport[] link(Node a, Node b) throws Exception {
        return link(a, b, Duration.ofMillis(5), 0);
    }

    /** Runs the clock until the stage completes; returns its outcome or throws its failure. */
    <T> T await(CompletionStage<T> stage) throws Exception {
        var future = stage.toCompletableFuture();
        if (!clock.runUntil(future::isDone, Duration.ofMinutes(5))) {
            throw new AssertionError("stage did not complete within 5 virtual minutes");
        }
        try {
            return future.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
    }

    void settle() {
        clock.runFor(Duration.ofSeconds(1));
    }

    static final class Node {
        final MeshNode mesh;
        final List<MeshMessage> received = new CopyOnWriteArrayList<>();
        final List<TransportEvent> events = new CopyOnWriteArrayList<>();

        Node(MeshNode mesh) {
            this.mesh = mesh;
            mesh.addMessageHandler(Set.of(MessageHandler.ALL_CHANNELS), received::add);
            mesh.addEventListener(events::add);
        }

        PeerId peer() {
            return mesh.localPeer();
        }
    }
}
