package org.sovereignmesh.core.internal;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.api.transport.TransportProfile;
import org.sovereignmesh.crypto.MeshCrypto;
import org.sovereignmesh.crypto.NodeKeys;
import org.sovereignmesh.crypto.internal.LocalNodeKeys;
import org.sovereignmesh.crypto.internal.MeshCryptoImpl;
import org.sovereignmesh.time.VirtualScheduler;
import org.sovereignmesh.transport.loopback.internal.LoopbackTransport;

/**
 * Real {@link MeshNode}s on one virtual clock, linked pairwise by loopback transports that a test can cut and mend:
 * the core's {@code TestNodes} pattern for the update agent's tests. Lives in the core's package because the node's
 * settings are package-private there.
 */
public final class VirtualMesh {
    public static final MeshCrypto CRYPTO = new MeshCryptoImpl();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Starts now-ish, so end-to-end packets stamped by this clock are within every replay horizon. */
    public final VirtualScheduler clock = new VirtualScheduler(System.currentTimeMillis()).propagateTaskFailures();
    private final List<Link> links = new ArrayList<>();
    private int media;

    /** A node and its keys. */
    public static final class Node {
        public final MeshNode mesh;
        public final NodeKeys keys;

        Node(MeshNode mesh, NodeKeys keys) {
            this.mesh = mesh;
            this.keys = keys;
        }
    }

    private record Link(Node a, Node b, Transport ta, Transport tb) {
    }

    public static NodeKeys newKeys() {
        return LocalNodeKeys.generate();
    }

    public Node node() {
        return node(LocalNodeKeys.generate());
    }

    public Node node(NodeKeys keys) {
        NodeSettings settings = new NodeSettings();
        return new Node(new MeshNode(keys, CRYPTO, clock, clock, settings), keys);
    }

    /** Links two nodes over a medium of their own and waits for the link. */
    public void link(Node a, Node b) {
        String medium = "m" + (++media);
        LoopbackTransport ta = loopback(medium, "a");
        LoopbackTransport tb = loopback(medium, "b");
        a.mesh.addTransport(ta, "test");
        b.mesh.addTransport(tb, "test");
        clock.runFor(Duration.ofMillis(1));
        var connected = a.mesh.connect(tb.address()).toCompletableFuture();
        if (!clock.runUntil(connected::isDone, Duration.ofMinutes(1)) || connected.isCompletedExceptionally()) {
            throw new AssertionError("no link between the nodes");
        }
        clock.runFor(Duration.ofMillis(10));
        links.add(new Link(a, b, ta, tb));
    }

    /** Cuts every link between two nodes (their transports go away, as when a cable is pulled). */
    public void cut(Node a, Node b) {
        for (Link l : List.copyOf(links)) {
            if (l.a == a && l.b == b || l.a == b && l.b == a) {
                l.a.mesh.removeTransport(l.ta);
                l.b.mesh.removeTransport(l.tb);
                links.remove(l);
            }
        }
        clock.runFor(Duration.ofMillis(10));
    }

    private static LoopbackTransport loopback(String medium, String name) {
        return new LoopbackTransport(medium, medium, name + "-" + Long.toHexString(RANDOM.nextLong()),
                TransportProfile.builder().latency(Duration.ofMillis(5)).build(), false);
    }

    /** An address other tests can use to check a transport of theirs. */
    public static MeshAddress address(LoopbackTransport t) {
        return t.address();
    }
}
