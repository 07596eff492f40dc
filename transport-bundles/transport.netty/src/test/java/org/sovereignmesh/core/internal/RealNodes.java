package org.sovereignmesh.core.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import org.sovereignmesh.api.MeshMessage;
import org.sovereignmesh.api.MessageHandler;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.transport.TransportEvent;
import org.sovereignmesh.crypto.MeshCrypto;
import org.sovereignmesh.crypto.internal.LocalNodeKeys;
import org.sovereignmesh.crypto.internal.MeshCryptoImpl;
import org.sovereignmesh.time.SystemScheduler;

/**
 * Real {@link MeshNode}s on wall-clock schedulers, for transport tests on loopback sockets: the pattern of the core's
 * {@code TestNodes}, with real time because real sockets are involved. Lives in the core's package because the
 * node's settings are package-private there.
 */
public final class RealNodes implements AutoCloseable {
    private static final MeshCrypto CRYPTO = new MeshCryptoImpl();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    public static PeerId randomPeer() {
        return LocalNodeKeys.generate().peerId();
    }

    public Node node() {
        return node(Duration.ofSeconds(10));
    }

    public synchronized Node node(Duration handshakeTimeout) {
        SystemScheduler loop = new SystemScheduler("test-node-" + toClose.size());
        SystemScheduler delivery = new SystemScheduler("test-delivery-" + toClose.size());
        NodeSettings settings = new NodeSettings();
        settings.handshakeTimeout = handshakeTimeout;
        settings.autoConnect = false;
        MeshNode mesh = new MeshNode(LocalNodeKeys.generate(), CRYPTO, loop, delivery, settings);
        toClose.add(delivery);
        toClose.add(loop);
        toClose.add(mesh);
        return new Node(mesh, loop);
    }

    /** Waits for the stage; returns its value or throws its failure. */
    public static <T> T await(CompletionStage<T> stage, Duration timeout) throws Exception {
        try {
            return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        } catch (TimeoutException e) {
            throw new AssertionError("no result within " + timeout);
        }
    }

    /** Polls {@code condition} until it holds, failing with {@code what} after {@code timeout}. */
    public static void eventually(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public synchronized void close() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        toClose.clear();
    }

    /** One node and what it received. */
    public static final class Node {
        public final MeshNode mesh;
        public final SystemScheduler loop;
        public final List<MeshMessage> received = new CopyOnWriteArrayList<>();
        public final List<TransportEvent> events = new CopyOnWriteArrayList<>();

        Node(MeshNode mesh, SystemScheduler loop) {
            this.mesh = mesh;
            this.loop = loop;
            mesh.addMessageHandler(Set.of(MessageHandler.ALL_CHANNELS), received::add);
            mesh.addEventListener(events::add);
        }

        public PeerId peer() {
            return mesh.localPeer();
        }
    }
}
