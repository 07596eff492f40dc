package org.sovereignmesh.dht.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.crypto.MeshCrypto;
import org.sovereignmesh.crypto.internal.LocalNodeKeys;
import org.sovereignmesh.crypto.internal.MeshCryptoImpl;
import org.sovereignmesh.time.VirtualScheduler;

/** DHT nodes on one virtual clock, wired by an in-memory network with a fixed latency; nodes can leave. */
final class TestNetwork {
    static final MeshCrypto CRYPTO = new MeshCryptoImpl();
    final VirtualScheduler clock = new VirtualScheduler(System.currentTimeMillis()).propagateTaskFailures();
    final Map<PeerId, DhtNode> nodes = new HashMap<>();
    final Map<PeerId, LocalNodeKeys> keys = new HashMap<>();
    final Set<PeerId> offline = new HashSet<>();
    final Random random = new Random(42);
    Duration latency = Duration.ofMillis(20);
    long messages;

    DhtNode add(DhtSettings settings) {
        return add(settings, DhtPersistence.NONE);
    }

    DhtNode add(DhtSettings settings, DhtPersistence persistence) {
        return add(LocalNodeKeys.generate(), settings, persistence);
    }

    DhtNode add(LocalNodeKeys key, DhtSettings settings, DhtPersistence persistence) {
        PeerId peer = key.peerId();
        DhtNode node = new DhtNode(peer, signatures(key), clock, (to, bytes) -> deliver(peer, to, bytes), persistence,
                settings, DhtCodec.ContactFactory.DEFAULT, new Random(random.nextLong()));
        node.setSenderInfo(() -> new DhtMessage.Sender(true, List.of()));
        nodes.put(peer, node);
        keys.put(peer, key);
        offline.remove(peer);
        node.start();
        return node;
    }

    static Signatures signatures(LocalNodeKeys key) {
        return new Signatures() {
            @Override
            public byte[] sign(byte[] message) {
                return key.sign(message);
            }

            @Override
            public boolean verify(PeerId signer, byte[] message, byte[] signature) {
                return CRYPTO.verify(signer, message, signature);
            }
        };
    }

    private void deliver(PeerId from, Contact to, byte[] bytes) {
        messages++;
        clock.schedule(() -> {
            DhtNode target = nodes.get(to.peer());
            if (target != null && !offline.contains(to.peer()) && !offline.contains(from)) {
                target.receive(from, bytes);
            }
        }, latency.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Builds {@code count} nodes, each joining through a random earlier one, and waits until all joined. */
    List<DhtNode> build(int count, DhtSettings settings) {
        List<DhtNode> list = new ArrayList<>();
        int[] joined = {0};
        for (int i = 0; i < count; i++) {
            DhtNode node = add(settings);
            List<Contact> seeds = list.isEmpty() ? List.of()
                    : List.of(Contact.of(list.get(random.nextInt(list.size())).localPeer(), List.of()));
            list.add(node);
            node.bootstrap(seeds, size -> joined[0]++);
            clock.runFor(Duration.ofMillis(50));
        }
        clock.runUntil(() -> joined[0] == count, Duration.ofMinutes(10));
        if (joined[0] != count) {
            throw new AssertionError(joined[0] + " of " + count + " nodes joined");
        }
        return list;
    }

    <T> T await(Consumer<Consumer<T>> operation) {
        Object[] result = {null};
        boolean[] done = {false};
        operation.accept(r -> {
            result[0] = r;
            done[0] = true;
        });
        if (!clock.runUntil(() -> done[0], Duration.ofMinutes(10))) {
            throw new AssertionError("operation did not complete within 10 virtual minutes");
        }
        @SuppressWarnings("unchecked")
        T t = (T) result[0];
        return t;
    }

    static DhtSettings settings() {
        DhtSettings s = new DhtSettings();
        s.rpcTimeout = Duration.ofSeconds(2);
        return s;
    }
}
