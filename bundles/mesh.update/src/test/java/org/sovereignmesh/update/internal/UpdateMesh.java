package org.sovereignmesh.update.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.sovereignmesh.api.MessageHandler;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.core.internal.VirtualMesh;
import org.sovereignmesh.update.UpdateInfo;
import org.sovereignmesh.update.UpdateState;

/**
 * Update agents on real mesh nodes on one virtual clock: a publisher, gateways, relays. Each agent has its own
 * folder and a {@link RecordingInstaller}; an agent can be restarted on its folder, as a node that was killed.
 */
final class UpdateMesh {
    final VirtualMesh mesh = new VirtualMesh();
    private final Path root;

    UpdateMesh(Path root) {
        this.root = root;
    }

    /** One node with an update agent. */
    final class Peer {
        final String name;
        final VirtualMesh.Node node;
        final Path home;
        final UpdateSettings settings;
        RecordingInstaller installer;
        UpdateStore store;
        /** The node's encrypted store's map, kept across restarts as the node's store would be. */
        final MemoryKeyValueStore records = new MemoryKeyValueStore();
        Agent agent;
        /** Every update message this node received, decoded. */
        final List<Wire.Message> received = new CopyOnWriteArrayList<>();
        private AutoCloseable handler;
        private AutoCloseable tap;

        Peer(String name, UpdateSettings settings, String... bundles) throws Exception {
            this.name = name;
            this.node = mesh.node();
            this.home = root.resolve(name);
            this.settings = settings;
            this.installer = new RecordingInstaller(mesh.clock, home.resolve("scratch"), bundles);
            tap = node.mesh.addMessageHandler(Set.of(Wire.CHANNEL), m -> {
                try {
                    received.add(Wire.decode(m.payload()));
                } catch (MalformedUpdateException e) {
                    // the agent reports it
                }
            });
            start();
        }

        private void start() throws IOException {
            store = new UpdateStore(home.resolve("updates"), records);
            installer.store(store);
            agent = new Agent(mesh.clock, () -> node.mesh, node.keys, VirtualMesh.CRYPTO, store, installer, settings);
            MessageHandler h = agent::messageReceived;
            handler = node.mesh.addMessageHandler(Set.of(Wire.CHANNEL), h);
            agent.start();
            mesh.clock.runFor(Duration.ofMillis(100));
        }

        /**
         * The node stops (as if killed: nothing more is written) and starts again on the same folder; its framework
         * starts from the runtime's bundles again.
         */
        void restart(String... runtimeBundles) throws Exception {
            handler.close();
            agent.close();
            RecordingInstaller fresh = new RecordingInstaller(mesh.clock, home.resolve("scratch"), runtimeBundles);
            fresh.untouchable.putAll(installer.untouchable);
            installer = fresh;
            start();
        }

        Offer agentOffer(String id) throws Exception {
            return store.loadOffer(id);
        }

        PeerId peer() {
            return node.mesh.localPeer();
        }

        UpdateInfo info(String id) {
            return agent.update(id).orElseThrow(() -> new AssertionError(name + " does not know update " + id));
        }

        UpdateState state(String id) {
            return agent.update(id).map(UpdateInfo::state).orElse(null);
        }

        long chunksReceived() {
            return received.stream().filter(m -> m instanceof Wire.Chunk).count();
        }

        void close() throws Exception {
            handler.close();
            tap.close();
            agent.close();
        }
    }

    static UpdateSettings gatewaySettings(PeerId trusted, String... groups) {
        UpdateSettings s = new UpdateSettings();
        s.trusted = Set.of(trusted);
        s.groups = Set.of(groups);
        return s;
    }

    static UpdateSettings publisherSettings(int chunkSize) {
        UpdateSettings s = new UpdateSettings();
        s.chunkSize = chunkSize;
        return s;
    }

    void await(String what, BooleanSupplier condition) {
        if (!mesh.clock.runUntil(condition, Duration.ofHours(2))) {
            throw new AssertionError("not within 2 virtual hours: " + what);
        }
    }

    void run(Duration d) {
        mesh.clock.runFor(d);
    }
}
