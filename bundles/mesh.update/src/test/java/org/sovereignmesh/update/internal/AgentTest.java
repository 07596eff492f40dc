package org.sovereignmesh.update.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Version;
import org.sovereignmesh.api.MeshMessage;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.SendOptions;
import org.sovereignmesh.core.internal.VirtualMesh;
import org.sovereignmesh.crypto.NodeKeys;
import org.sovereignmesh.update.PeerReport;
import org.sovereignmesh.update.UpdateInfo;
import org.sovereignmesh.update.UpdateState;
import org.sovereignmesh.update.internal.Installer.Step;

/**
 * The update protocol between real mesh nodes on virtual time: publishing, offers and what gateways refuse, chunked
 * transfer through relays with loss of links and restarts, installation, automatic and manual rollback, and the
 * installed set across restarts. Installation itself is a {@link RecordingInstaller}; the OSGi installer is tested
 * with real node processes (itests: UpdateIT).
 */
class AgentTest {
    private static final int CHUNK = 8 * 1024;
    private static final String TCP = "mesh.transport.tcp";

    @TempDir
    Path tmp;
    private UpdateMesh net;
    private UpdateMesh.Peer publisher;
    private Path jars;

    @BeforeEach
    void publisherNode() throws Exception {
        net = new UpdateMesh(tmp);
        publisher = net.new Peer("publisher", UpdateMesh.publisherSettings(CHUNK));
        jars = tmp.resolve("jars");
    }

    private UpdateMesh.Peer gateway(String name, String... bundles) throws Exception {
        return net.new Peer(name, UpdateMesh.gatewaySettings(publisher.peer(), "gateways"), bundles);
    }

    private UpdateInfo publish(String name, String version, String group, Path... bundles) throws Exception {
        return publisher.agent.publish(name, version, group, List.of(bundles));
    }

    @Test
    void anUpdateTravelsThroughARelayInVerifiedChunksAndIsInstalled() throws Exception {
        UpdateMesh.Peer relay = net.new Peer("relay", new UpdateSettings());
        UpdateMesh.Peer gateway = gateway("gw", TCP, "1.0.0", "mesh.api", "1.1.0");
        net.mesh.link(publisher.node, relay.node);
        net.mesh.link(relay.node, gateway.node);
        net.await("the gateway asked the publisher for updates", () -> publisher.received.stream()
                .anyMatch(m -> m instanceof Wire.ListRequest));

        Path jar = TestJars.bundle(jars, TCP, "1.1.0", 100_000);
        UpdateInfo published = publish("tcp-fix", "1.1.0", "gateways", jar);
        assertEquals(UpdateState.PUBLISHED, published.state());
        net.await("installed on the gateway", () -> gateway.state(published.id()) == UpdateState.INSTALLED);

        assertFalse(publisher.node.mesh.neighbours().contains(gateway.peer()), "the relay carried it");
        assertEquals(List.of(List.of(new Step(TCP, Version.parseVersion("1.1.0"),
                gateway.store.jar(Jars.sha256Hex(jar))))), gateway.installer.applied);
        assertEquals(Version.parseVersion("1.1.0"), gateway.installer.framework.get(TCP));
        int chunks = Manifest.chunkCount(Files.size(jar), CHUNK);
        assertEquals(chunks, gateway.chunksReceived(), "every chunk once, none lost or repeated on a clean path");
        assertTrue(gateway.received.stream().filter(m -> m instanceof Wire.Chunk)
                .allMatch(m -> ((Wire.Chunk) m).data().length <= CHUNK));
        assertEquals("tcp-fix", gateway.agent.installed().get(0).updateName());
        assertEquals(java.util.Set.of(TCP), gateway.installer.snapshots.get(0), "the bundle it replaced was saved for a rollback");

        net.await("the publisher heard the gateway's report", () -> report(published.id(), gateway) != null
                && report(published.id(), gateway).state() == UpdateState.INSTALLED);
        assertEquals(Files.size(jar), report(published.id(), gateway).bytesTotal());
    }

    @Test
    void gatewaysRefuseUnsignedTamperedUntrustedWrongTargetAndDowngradedUpdatesWithTheReason() throws Exception {
        // this gateway asks someone else for updates: the test alone decides what it is offered
        UpdateSettings settings = UpdateMesh.gatewaySettings(publisher.peer(), "gateways");
        settings.sources = java.util.Set.of(VirtualMesh.newKeys().peerId());
        UpdateMesh.Peer gateway = net.new Peer("gw", settings, TCP, "1.2.0");
        net.mesh.link(publisher.node, gateway.node);
        Path jar = TestJars.bundle(jars, TCP, "1.3.0", 3000);
        Jars.Hashes h = Jars.hashes(jar, CHUNK);
        Offer signed = publisher.agentOffer(publish("tcp", "1.3.0", "gateways", jar).id());
        Manifest genuine = signed.manifest;

        // an unsigned copy of the genuine manifest, sent first: refused, and it does not shut the genuine one out
        Offer unsigned = Offer.withSignature(genuine, signed.manifestBytes(), new byte[0]);
        assertEquals(signed.id, unsigned.id);
        assertRefused(gateway, unsigned, "unsigned: an update must carry its publisher's signature");

        byte[] altered = signed.manifestBytes();
        int group = indexOf(altered, "gateways".getBytes());
        altered[group] = 'G'; // same length, still a valid manifest: only the signature can tell
        Offer tampered = Offer.withSignature(Manifest.decode(altered), altered, signed.signature());
        assertRefused(gateway, tampered, "bad signature: the manifest was altered after " + publisher.peer());

        NodeKeys stranger = VirtualMesh.newKeys();
        Offer untrusted = Offer.sign(manifest(stranger.peerId(), "tcp", "1.3.0", "gateways", TCP, "1.3.0", h), stranger);
        assertRefused(gateway, untrusted, "publisher " + stranger.peerId() + " is not trusted by this node");

        Offer elsewhere = Offer.sign(manifest(publisher.peer(), "tcp", "1.3.0", "lab", TCP, "1.3.0", h), publisher.node.keys);
        assertRefused(gateway, elsewhere, "wrong target: meant for group 'lab', this node is in group(s) gateways");

        Path older = TestJars.bundle(jars, TCP, "1.1.0", 3000);
        Offer downgrade = Offer.sign(manifest(publisher.peer(), "tcp", "1.4.0", "gateways", TCP, "1.1.0",
                Jars.hashes(older, CHUNK)), publisher.node.keys);
        assertRefused(gateway, downgrade, "downgrade: bundle mesh.transport.tcp 1.1.0 is older than the installed 1.2.0");

        gateway.installer.untouchable.put("mesh.api", "the update agent runs on it");
        Path api = TestJars.bundle(jars, "mesh.api", "9.0.0", 3000);
        Offer core = Offer.sign(manifest(publisher.peer(), "api", "9.0.0", "gateways", "mesh.api", "9.0.0",
                Jars.hashes(api, CHUNK)), publisher.node.keys);
        assertRefused(gateway, core, "bundle mesh.api cannot be updated over the mesh: the update agent runs on it");

        assertEquals(0, gateway.chunksReceived(), "nothing was fetched");
        assertTrue(gateway.installer.applied.isEmpty(), "nothing was installed");

        // the genuine one is taken; then the same name at a lower version is a downgrade
        send(publisher, gateway, signed);
        net.await("genuine update installed", () -> gateway.state(signed.id) == UpdateState.INSTALLED);
        Path lower = TestJars.bundle(jars, TCP, "1.2.5", 3000);
        Offer lowerName = Offer.sign(manifest(publisher.peer(), "tcp", "1.2.9", "gateways", TCP, "1.2.5",
                Jars.hashes(lower, CHUNK)), publisher.node.keys);
        assertRefused(gateway, lowerName, "downgrade: tcp 1.2.9 is older than the installed 1.3.0");
        assertRefused(gateway, signed, null); // offered again: nothing happens, it stays installed
        assertEquals(UpdateState.INSTALLED, gateway.state(signed.id));
    }

    @Test
    void aMalformedOfferIsRefusedAndTheAgentCarriesOn() throws Exception {
        UpdateMesh.Peer gateway = gateway("gw", TCP, "1.0.0");
        net.mesh.link(publisher.node, gateway.node);
        publisher.node.mesh.send(gateway.peer(), Wire.CHANNEL, new byte[] {1, 2, 0, 0, 0, 50, 'S', 'M'});
        publisher.node.mesh.send(gateway.peer(), Wire.CHANNEL, new byte[] {9, 9, 9});
        net.run(Duration.ofSeconds(1));
        assertTrue(gateway.agent.updates().isEmpty());
        UpdateInfo u = publish("tcp", "1.1.0", "gateways", TestJars.bundle(jars, TCP, "1.1.0", 2000));
        net.await("a good update still goes through", () -> gateway.state(u.id()) == UpdateState.INSTALLED);
    }

    @Test
    void aBusyAgentDropsChunkTrafficButLeavesOtherMessagesUnacknowledgedToComeAgain() throws Exception {
        UpdateMesh.Peer gateway = gateway("gw", TCP, "1.0.0");
        PeerId from = publisher.peer();
        // nothing runs on the virtual clock meanwhile, so what arrives waits to be handled
        byte[] chunk = Wire.chunk("ab".repeat(32), 0, 0, new byte[60_000], 60_000);
        long waiting = 0;
        while (waiting + 2 * chunk.length <= Agent.MAX_INBOUND_BYTES) {
            gateway.agent.messageReceived(new MeshMessage(from, Wire.CHANNEL, chunk, 0));
            waiting += chunk.length;
        }
        int rest = (int) (Agent.MAX_INBOUND_BYTES - waiting - Wire.CHUNK_HEADER);
        byte[] last = Wire.chunk("ab".repeat(32), 0, 1, new byte[rest], rest);
        assertEquals(Agent.MAX_INBOUND_BYTES, waiting + last.length, "exactly full");
        gateway.agent.messageReceived(new MeshMessage(from, Wire.CHANNEL, last, 0));
        gateway.agent.messageReceived(new MeshMessage(from, Wire.CHANNEL, chunk, 0)); // dropped: asked for again
        IllegalStateException busy = assertThrows(IllegalStateException.class,
                () -> gateway.agent.messageReceived(new MeshMessage(from, Wire.CHANNEL, Wire.list(), 0)));
        assertTrue(busy.getMessage().contains("unacknowledged"), busy.getMessage());
        net.run(Duration.ofSeconds(1)); // the backlog is handled (unrequested chunks are ignored)
        gateway.agent.messageReceived(new MeshMessage(from, Wire.CHANNEL, Wire.list(), 0));
    }

    @Test
    void anInterruptedTransferResumesWhereItStoppedWhenTheLinkIsBack() throws Exception {
        UpdateMesh.Peer gateway = gateway("gw", TCP, "1.0.0");
        net.mesh.link(publisher.node, gateway.node);
        net.run(Duration.ofSeconds(2));
        Path jar = TestJars.bundle(jars, TCP, "1.1.0", 400_000);
        int chunks = Manifest.chunkCount(Files.size(jar), CHUNK);
        UpdateInfo u = publish("tcp", "1.1.0", "gateways", jar);
        net.await("a third of the chunks arrived", () -> gateway.chunksReceived() >= chunks / 3);
        net.mesh.cut(publisher.node, gateway.node);
        long before = gateway.chunksReceived();
        net.run(Duration.ofMinutes(20));
        UpdateInfo paused = gateway.info(u.id());
        assertEquals(UpdateState.DOWNLOADING, paused.state(), "still waiting for its source");
        assertTrue(paused.bytesDone() > 0 && paused.bytesDone() < paused.bytesTotal(), "progress: " + paused.bytesDone());

        net.mesh.link(publisher.node, gateway.node);
        net.await("installed after the link came back", () -> gateway.state(u.id()) == UpdateState.INSTALLED);
        long total = gateway.chunksReceived();
        assertTrue(total <= chunks + 8, "resumed, not restarted: " + total + " chunks for " + chunks
                + " (" + before + " before the cut)");
    }

    @Test
    void aNodeKilledDuringATransferResumesFromTheChunksOnItsDisk() throws Exception {
        UpdateMesh.Peer gateway = gateway("gw", TCP, "1.0.0");
        net.mesh.link(publisher.node, gateway.node);
        net.run(Duration.ofSeconds(2));
        Path jar = TestJars.bundle(jars, TCP, "1.1.0", 400_000);
        int chunks = Manifest.chunkCount(Files.size(jar), CHUNK);
        UpdateInfo u = publish("tcp", "1.1.0", "gateways", jar);
        net.await("half the chunks arrived", () -> gateway.chunksReceived() >= chunks / 2);

        // one stored chunk is damaged while the node is down: it must be fetched again, not installed
        Path download = gateway.home.resolve("updates/downloads").resolve(u.id());
        Path damaged;
        try (var files = Files.list(download)) {
            damaged = files.filter(f -> f.toString().endsWith(".chunk")).findFirst().orElseThrow();
        }
        byte[] data = Files.readAllBytes(damaged);
        data[0] ^= 1;
        Files.write(damaged, data);

        long before = gateway.chunksReceived();
        gateway.restart(TCP, "1.0.0");
        net.await("installed after the restart", () -> gateway.state(u.id()) == UpdateState.INSTALLED);
        long after = gateway.chunksReceived() - before;
        assertTrue(after <= chunks - before + 9, "only the missing chunks were fetched again: " + after + " after the restart, "
                + before + " before, " + chunks + " in all");
        assertEquals(Jars.sha256Hex(jar), gateway.agent.installed().get(0).sha256());
    }

    @Test
    void chunksThatDoNotMatchTheSignedManifestAreThrownAwayAndAHostileSourceIsGivenUp() throws Exception {
        UpdateMesh.Peer gateway = gateway("gw", TCP, "1.0.0");
        UpdateMesh.Peer hostile = net.new Peer("hostile", new UpdateSettings());
        net.mesh.link(publisher.node, gateway.node);
        net.mesh.link(hostile.node, gateway.node);
        Path jar = TestJars.bundle(jars, TCP, "1.1.0", 200_000);
        Jars.Hashes h = Jars.hashes(jar, CHUNK);
        Offer genuine = Offer.sign(manifest(publisher.peer(), "tcp", "1.1.0", "gateways", TCP, "1.1.0", h),
                publisher.node.keys);
        // the hostile node relays the genuine offer and answers every request with garbage
        hostile.close();
        hostile.node.mesh.addMessageHandler(java.util.Set.of(Wire.CHANNEL), m -> {
            try {
                if (Wire.decode(m.payload()) instanceof Wire.Get g) {
                    byte[] junk = new byte[CHUNK];
                    hostile.node.mesh.send(m.source(), Wire.CHANNEL, Wire.chunk(g.id(), g.bundle(), g.chunk(), junk, junk.length));
                }
            } catch (MalformedUpdateException e) {
                throw new AssertionError(e);
            }
        });
        send(hostile, gateway, genuine);
        net.await("the gateway gave the hostile source up", () -> gateway.state(genuine.id) == UpdateState.FAILED);
        assertTrue(gateway.info(genuine.id).detail().startsWith("source " + hostile.peer() + " sent 17 chunks that do not "
                + "match the signed manifest"), gateway.info(genuine.id).detail());
        assertTrue(gateway.installer.applied.isEmpty());

        // the next version, from the publisher itself, goes through
        UpdateInfo republished = publish("tcp", "1.1.1", "gateways", TestJars.bundle(jars, TCP, "1.1.1", 200_000));
        net.await("the next version is installed", () -> gateway.state(republished.id()) == UpdateState.INSTALLED);
    }

    @Test
    void anUpdateThatFailsToStartIsRolledBackReportedAndNotTriedAgain() throws Exception {
        UpdateMesh.Peer gateway = gateway("gw", TCP, "1.0.0");
        net.mesh.link(publisher.node, gateway.node);
        net.run(Duration.ofSeconds(2));
        gateway.installer.failNextWith = "bundle mesh.transport.tcp 1.1.0 did not start: missing requirement "
                + "osgi.wiring.package=org.example.missing";
        UpdateInfo broken = publish("tcp", "1.1.0", "gateways", TestJars.bundle(jars, TCP, "1.1.0", 5000));
        net.await("rolled back", () -> gateway.state(broken.id()) == UpdateState.ROLLED_BACK);
        assertTrue(gateway.info(broken.id()).detail().contains("missing requirement osgi.wiring.package=org.example.missing"));
        assertEquals(Version.parseVersion("1.0.0"), gateway.installer.framework.get(TCP), "the old bundle is back");
        assertTrue(gateway.agent.installed().isEmpty());
        net.await("the publisher heard why", () -> report(broken.id(), gateway) != null
                && report(broken.id(), gateway).state() == UpdateState.ROLLED_BACK);
        assertTrue(report(broken.id(), gateway).detail().contains("did not start"));

        // offered again, the broken version is not tried again; a fixed version is
        send(publisher, gateway, publisher.agentOffer(broken.id()));
        net.run(Duration.ofSeconds(5));
        assertEquals(1, gateway.installer.applied.size());
        UpdateInfo fixed = publish("tcp", "1.1.1", "gateways", TestJars.bundle(jars, TCP, "1.1.1", 5000));
        net.await("the fix is installed", () -> gateway.state(fixed.id()) == UpdateState.INSTALLED);
    }

    @Test
    void aDamagedStateIsSetAsideAndTheUpdatesStillOfferedAreInstalledAgain() throws Exception {
        UpdateMesh.Peer gateway = gateway("gw", TCP, "1.0.0");
        net.mesh.link(publisher.node, gateway.node);
        net.run(Duration.ofSeconds(2));
        UpdateInfo u = publish("tcp", "1.1.0", "gateways", TestJars.bundle(jars, TCP, "1.1.0", 5000));
        net.await("installed", () -> gateway.state(u.id()) == UpdateState.INSTALLED);
        String damaged = "sovereign-mesh updates 1\nthis line is no record\n";
        gateway.store.writeState(damaged);

        gateway.restart(TCP, "1.0.0");
        assertTrue(gateway.records.entries.containsKey("damaged-state"), "kept for a post-mortem");
        assertEquals(damaged, new String(gateway.records.entries.get("damaged-state.1.0"),
                java.nio.charset.StandardCharsets.UTF_8));
        net.await("offered again, fetched and installed again", () -> gateway.state(u.id()) == UpdateState.INSTALLED);
        assertEquals(Map.of(TCP, v("1.1.0")), gateway.installer.framework);
    }

    @Test
    void theInstalledSetComesBackAfterARestartAndTheOperatorCanRollBackStepByStep() throws Exception {
        UpdateMesh.Peer gateway = gateway("gw", TCP, "1.0.0", "mesh.transport.udp", "1.0.0");
        net.mesh.link(publisher.node, gateway.node);
        net.run(Duration.ofSeconds(2));
        UpdateInfo first = publish("tcp", "1.1.0", "gateways", TestJars.bundle(jars, TCP, "1.1.0", 5000));
        net.await("first installed", () -> gateway.state(first.id()) == UpdateState.INSTALLED);
        UpdateInfo second = publish("uplink", "2.0.0", "gateways", TestJars.bundle(jars, TCP, "1.2.0", 5000),
                TestJars.bundle(jars, "mesh.transport.udp", "1.1.0", 5000), TestJars.bundle(jars, "mesh.extra", "1.0.0", 5000));
        net.await("second installed", () -> gateway.state(second.id()) == UpdateState.INSTALLED);
        assertEquals(Map.of(TCP, v("1.2.0"), "mesh.transport.udp", v("1.1.0"), "mesh.extra", v("1.0.0")),
                gateway.installer.framework);

        // the node restarts from its runtime's bundles: the agent puts the installed set back
        gateway.restart(TCP, "1.0.0", "mesh.transport.udp", "1.0.0");
        net.await("installed set put back", () -> !gateway.installer.applied.isEmpty());
        net.run(Duration.ofSeconds(5));
        assertEquals(Map.of(TCP, v("1.2.0"), "mesh.transport.udp", v("1.1.0"), "mesh.extra", v("1.0.0")),
                gateway.installer.framework);
        assertEquals(3, gateway.agent.installed().size());

        // the operator rolls back: the second update's bundles go back to what the first left, the new one goes
        UpdateInfo rolling = gateway.agent.rollback();
        assertEquals(second.id(), rolling.id());
        assertThrows(IllegalStateException.class, gateway.agent::rollback, "one at a time");
        net.await("second rolled back", () -> gateway.state(second.id()) == UpdateState.ROLLED_BACK);
        assertEquals(Map.of(TCP, v("1.1.0"), "mesh.transport.udp", v("1.0.0")), gateway.installer.framework);
        assertEquals("rolled back by the operator", gateway.info(second.id()).detail());
        gateway.agent.rollback();
        net.await("first rolled back", () -> gateway.state(first.id()) == UpdateState.ROLLED_BACK);
        assertEquals(Map.of(TCP, v("1.0.0"), "mesh.transport.udp", v("1.0.0")), gateway.installer.framework);
        assertTrue(gateway.agent.installed().isEmpty());
        IllegalStateException none = assertThrows(IllegalStateException.class, gateway.agent::rollback);
        assertEquals("no installed update to roll back", none.getMessage());

        // and after another restart nothing is put back
        gateway.restart(TCP, "1.0.0", "mesh.transport.udp", "1.0.0");
        net.run(Duration.ofSeconds(10));
        assertTrue(gateway.installer.applied.isEmpty());
    }

    @Test
    void aNodeKilledDuringAnInstallationStartsWithTheBundlesFromBefore() throws Exception {
        UpdateMesh.Peer gateway = gateway("gw", TCP, "1.0.0");
        net.mesh.link(publisher.node, gateway.node);
        net.run(Duration.ofSeconds(2));
        gateway.installer.hang = true;
        UpdateInfo u = publish("tcp", "1.1.0", "gateways", TestJars.bundle(jars, TCP, "1.1.0", 5000),
                TestJars.bundle(jars, "mesh.new", "1.0.0", 5000));
        net.await("installation begun", () -> !gateway.installer.applied.isEmpty());
        assertEquals(UpdateState.INSTALLING, gateway.state(u.id()));

        // framework storage survived (not the runtime's default, which starts clean): the agent must undo
        gateway.restart(TCP, "1.1.0", "mesh.new", "1.0.0");
        net.await("undone", () -> gateway.installer.framework.get(TCP).equals(v("1.0.0")));
        assertFalse(gateway.installer.framework.containsKey("mesh.new"), "the bundle it added is gone");
        assertEquals(UpdateState.ROLLED_BACK, gateway.state(u.id()));
        assertTrue(gateway.info(u.id()).detail().startsWith("interrupted"));
        assertTrue(gateway.agent.installed().isEmpty());
    }

    @Test
    void aNewerVersionSupersedesOneStillOnItsWay() throws Exception {
        UpdateMesh.Peer gateway = gateway("gw", TCP, "1.0.0");
        net.mesh.link(publisher.node, gateway.node);
        net.run(Duration.ofSeconds(2));
        UpdateInfo slow = publish("tcp", "1.1.0", "gateways", TestJars.bundle(jars, TCP, "1.1.0", 300_000));
        net.await("fetching", () -> gateway.chunksReceived() > 3);
        UpdateInfo newer = publish("tcp", "1.2.0", "gateways", TestJars.bundle(jars, TCP, "1.2.0", 3000));
        net.await("the newer one installed", () -> gateway.state(newer.id()) == UpdateState.INSTALLED);
        assertEquals(UpdateState.SUPERSEDED, gateway.state(slow.id()));
        assertEquals(1, gateway.installer.applied.size());
        assertEquals(v("1.2.0"), gateway.installer.framework.get(TCP));
        assertEquals(UpdateState.SUPERSEDED, publisher.state(slow.id()), "the publisher stopped offering it");
    }

    @Test
    void anUpdateFileCarriesAnUpdateWhereTheMeshDoesNotReach() throws Exception {
        UpdateMesh.Peer gateway = gateway("gw", TCP, "1.0.0");
        UpdateInfo u = publish("tcp", "1.1.0", "gateways", TestJars.bundle(jars, TCP, "1.1.0", 50_000));
        Path file = tmp.resolve("stick/tcp-1.1.0.update");
        Files.createDirectories(file.getParent());
        publisher.agent.export(u.id().substring(0, 8), file);
        UpdateInfo imported = gateway.agent.importUpdate(file);
        assertEquals(u.id(), imported.id());
        net.await("installed from the file", () -> gateway.state(u.id()) == UpdateState.INSTALLED);

        UpdateMesh.Peer other = net.new Peer("other", UpdateMesh.gatewaySettings(publisher.peer(), "lab"), TCP, "1.0.0");
        UpdateInfo refused = other.agent.importUpdate(file);
        assertEquals(UpdateState.REFUSED, refused.state());
        assertTrue(refused.detail().startsWith("wrong target"), refused.detail());
    }

    @Test
    void thePublisherChecksWhatItSigns() throws Exception {
        Path jar = TestJars.bundle(jars, TCP, "1.1.0", 1000);
        publish("tcp", "1.1.0", "gateways", jar);
        assertEquals("version 1.1.0 of tcp is not higher than 1.1.0, published before",
                assertThrows(IllegalArgumentException.class, () -> publish("tcp", "1.1.0", "gateways", jar)).getMessage());
        Path notABundle = tmp.resolve("plain.jar");
        Files.write(notABundle, new byte[] {'P', 'K', 3, 4});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> publish("x", "1", "gateways", notABundle))
                .getMessage().contains("not a jar"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> publish("bad name!", "1", "gateways", jar))
                .getMessage().startsWith("invalid update name 'bad name!'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> publish("x", "1.x.y", "gateways", jar))
                .getMessage().startsWith("invalid version '1.x.y'"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> publish("x", "1", "gateways", jar, TestJars.bundle(jars.resolve("again"), TCP, "1.1.0", 10)))
                .getMessage().contains("given twice"));
    }

    // ---------------------------------------------------------------- helpers

    private PeerReport report(String id, UpdateMesh.Peer from) {
        return publisher.info(id).reports().stream().filter(r -> r.peer().equals(from.peer())).findFirst().orElse(null);
    }

    private static Manifest manifest(PeerId publisher, String name, String version, String group, String bsn,
            String bundleVersion, Jars.Hashes h) {
        return new Manifest(publisher, 1, name, Version.parseVersion(version), group, CHUNK, List.of(
                new Manifest.Entry(bsn, Version.parseVersion(bundleVersion), h.size(), h.sha256(), h.chunks())));
    }

    private void send(UpdateMesh.Peer from, UpdateMesh.Peer to, Offer offer) {
        from.node.mesh.send(to.peer(), Wire.CHANNEL, Wire.offer(offer), SendOptions.reliable());
    }

    /** Sends the offer and checks the gateway refused it with this reason (null: it was ignored quietly). */
    private void assertRefused(UpdateMesh.Peer gateway, Offer offer, String reasonStart) {
        send(publisher, gateway, offer);
        net.run(Duration.ofSeconds(5));
        if (reasonStart == null) {
            return;
        }
        UpdateInfo info = gateway.info(offer.id);
        assertEquals(UpdateState.REFUSED, info.state(), offer + ": " + info.detail());
        assertTrue(info.detail().startsWith(reasonStart), "reason: " + info.detail());
        net.await("the refusal reached whoever offered it", () -> publisher.received.stream().anyMatch(m ->
                m instanceof Wire.Status s && s.id().equals(offer.id) && s.state() == UpdateState.REFUSED
                        && s.detail().equals(info.detail())));
    }

    private static int indexOf(byte[] data, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= data.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (data[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found: " + HexFormat.of().formatHex(part));
    }

    private static Version v(String v) {
        return Version.parseVersion(v);
    }
}
