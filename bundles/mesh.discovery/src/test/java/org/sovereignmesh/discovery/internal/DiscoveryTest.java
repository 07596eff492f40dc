package org.sovereignmesh.discovery.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.time.VirtualScheduler;

class DiscoveryTest {
    private final VirtualScheduler clock = new VirtualScheduler();
    private final FakeManager manager = new FakeManager();
    private final List<byte[]> sent = new CopyOnWriteArrayList<>();
    private final InetAddress lan;
    private final InetAddress other;

    DiscoveryTest() throws Exception {
        lan = InetAddress.getByName("10.1.2.3");
        other = InetAddress.getByName("10.9.9.9");
        manager.clock = clock::nanoTime;
        manager.transport("tcp", "/ip4/10.1.2.1/tcp/4001");
        manager.transport("ws", "/ip4/10.1.2.1/tcp/4002/ws");
    }

    static PeerId peer(int first) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        key[0] = (byte) first;
        return PeerId.fromPublicKey(key);
    }

    private Discovery discovery(PeerId self, DiscoverySettings settings, PeerCache cache) {
        Discovery d = new Discovery(clock, self, manager, settings, cache, sent::add, new Random(7));
        d.start();
        clock.runFor(Duration.ofMillis(10));
        return d;
    }

    private static byte[] announcement(PeerId peer, String... addresses) {
        List<MeshAddress> list = new ArrayList<>();
        for (String a : addresses) {
            list.add(MeshAddress.parse(a));
        }
        return new Announcement(peer, list).encode();
    }

    @Test
    void announcesTheListeningAddressesOfActiveTransports() {
        PeerId self = peer(1);
        discovery(self, new DiscoverySettings(), null);
        clock.runFor(Duration.ofSeconds(12));
        assertTrue(sent.size() >= 2 && sent.size() <= 3, "every 5 s with jitter: " + sent.size());
        Announcement a = Announcement.decode(sent.get(0), sent.get(0).length);
        assertEquals(self, a.peer);
        assertEquals(List.of(MeshAddress.parse("/ip4/10.1.2.1/tcp/4001"), MeshAddress.parse("/ip4/10.1.2.1/tcp/4002/ws")),
                a.addresses);
    }

    @Test
    void dialsEachTransportOfAnAnnouncedPeerOnceWhenItHasTheSmallerId() {
        PeerId self = peer(1);
        PeerId them = peer(200);
        Discovery d = discovery(self, new DiscoverySettings(), null);
        byte[] data = announcement(them, "/ip4/10.1.2.3/tcp/4001", "/ip4/10.1.2.3/tcp/4002/ws",
                "/ip4/10.1.2.3/udp/4003/quic-v1");
        d.received(lan, data, data.length);
        clock.runFor(Duration.ofSeconds(1));
        assertEquals(List.of(MeshAddress.parse("/ip4/10.1.2.3/tcp/4001").withPeer(them),
                MeshAddress.parse("/ip4/10.1.2.3/tcp/4002/ws").withPeer(them)), manager.connects,
                "quic is not a local transport here");
        for (int i = 0; i < 5; i++) {
            clock.runFor(Duration.ofSeconds(5));
            d.received(lan, data, data.length);
        }
        clock.runFor(Duration.ofSeconds(1));
        assertEquals(2, manager.connects.size(), "linked already: no more dialling");
    }

    @Test
    void theNodeWithTheLargerIdWaitsBeforeDialling() {
        PeerId self = peer(200);
        PeerId them = peer(1);
        Discovery d = discovery(self, new DiscoverySettings(), null);
        byte[] data = announcement(them, "/ip4/10.1.2.3/tcp/4001");
        d.received(lan, data, data.length);
        clock.runFor(Duration.ofSeconds(6));
        d.received(lan, data, data.length);
        clock.runFor(Duration.ofSeconds(1));
        assertTrue(manager.connects.isEmpty(), "the other node dials first");
        clock.runFor(Duration.ofSeconds(6));
        d.received(lan, data, data.length);
        clock.runFor(Duration.ofSeconds(1));
        assertEquals(1, manager.connects.size(), "after 2.5 intervals without a link it dials itself");
    }

    @Test
    void spoofedMalformedAndOwnAnnouncementsAreIgnored() {
        PeerId self = peer(1);
        Discovery d = discovery(self, new DiscoverySettings(), null);
        byte[] thirdParty = announcement(peer(200), "/ip4/10.9.9.9/tcp/4001", "/dns/victim.example/tcp/80");
        d.received(lan, thirdParty, thirdParty.length);
        byte[] own = announcement(self, "/ip4/10.1.2.3/tcp/4001");
        d.received(other, own, own.length);
        byte[] garbage = {'S', 'M', 'D', '1', 1, 2, 3};
        d.received(InetAddress.getLoopbackAddress(), garbage, garbage.length);
        byte[] wrongPeer = announcement(peer(200), "/ip4/10.1.2.3/tcp/4001/p2p/" + peer(3));
        d.received(lan, wrongPeer, wrongPeer.length);
        clock.runFor(Duration.ofSeconds(1));
        assertTrue(manager.connects.isEmpty(), manager.connects.toString());
        assertTrue(d.announcementsIgnored >= 3, "ignored " + d.announcementsIgnored);
    }

    @Test
    void nodesSharingOneAddressAreAllHeard() throws Exception {
        Discovery d = discovery(peer(1), new DiscoverySettings(), null);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        List<PeerId> others = List.of(peer(100), peer(101), peer(102));
        for (int i = 0; i < 3; i++) {
            byte[] data = announcement(others.get(i), "/ip4/127.0.0.1/tcp/" + (5000 + i));
            d.received(loopback, data, data.length); // three nodes on one machine, within a few milliseconds
        }
        clock.runFor(Duration.ofMillis(100));
        assertEquals(3, manager.connects.size(), manager.connects.toString());
        long ignoredBefore = d.announcementsIgnored;
        byte[] again = announcement(others.get(0), "/ip4/127.0.0.1/tcp/5000");
        d.received(loopback, again, again.length);
        clock.runFor(Duration.ofMillis(100));
        assertEquals(ignoredBefore + 1, d.announcementsIgnored, "a repeat within a quarter interval is ignored");
    }

    @Test
    void aFloodOfAnnouncementsCostsBoundedWork() throws Exception {
        Discovery d = discovery(peer(1), new DiscoverySettings(), null);
        for (int i = 0; i < 10_000; i++) {
            InetAddress source = InetAddress.getByAddress(new byte[] {10, 1, (byte) (i >> 8), (byte) i});
            byte[] data = announcement(peer(200), "/ip4/" + source.getHostAddress() + "/tcp/4001");
            d.received(source, data, data.length);
        }
        clock.runFor(Duration.ofMillis(100));
        assertTrue(manager.connects.size() <= 2 * Discovery.ANNOUNCEMENTS_PER_SECOND + 2,
                "dialled " + manager.connects.size());
    }

    @Test
    void seedsAreRetriedWithExponentialBackoffAndJitterUntilTheyAnswer() {
        DiscoverySettings settings = new DiscoverySettings();
        MeshAddress seed = MeshAddress.parse("/ip4/203.0.113.7/tcp/4001");
        settings.seeds = List.of(seed);
        PeerId seedPeer = peer(9);
        manager.outcome = a -> null;
        discovery(peer(1), settings, null);
        clock.runFor(Duration.ofSeconds(70));
        List<Long> t = manager.connectTimes;
        assertTrue(t.size() >= 5 && t.size() <= 9, "attempts " + t.size());
        for (int i = 1; i < t.size(); i++) {
            long gap = t.get(i) - t.get(i - 1);
            long ceiling = Math.min(60_000, 1000L << (i - 1)) * 1_000_000L;
            assertTrue(gap >= ceiling / 2 && gap <= ceiling + 1_000_000_000L, "gap " + i + " = " + gap / 1e9 + " s");
        }
        manager.outcome = a -> seedPeer;
        clock.runFor(Duration.ofSeconds(70));
        int afterSuccess = manager.connects.size();
        clock.runFor(Duration.ofSeconds(30));
        assertEquals(afterSuccess, manager.connects.size(), "connected: no more attempts");
        manager.links.clear(); // the link went away
        clock.runFor(Duration.ofSeconds(2));
        assertEquals(afterSuccess + 1, manager.connects.size(), "dialled again at once");
    }

    @Test
    void peersThatWorkedAreCachedAndDialledAfterARestart(@TempDir Path home) throws Exception {
        FilePeerCache cache = new FilePeerCache(home.resolve("peers.txt"));
        PeerId them = peer(200);
        Discovery d = discovery(peer(1), new DiscoverySettings(), cache);
        byte[] data = announcement(them, "/ip4/10.1.2.3/tcp/4001");
        d.received(lan, data, data.length);
        clock.runFor(Duration.ofSeconds(1));
        d.stop();
        clock.runFor(Duration.ofSeconds(1));
        assertEquals(List.of(MeshAddress.parse("/ip4/10.1.2.3/tcp/4001/p2p/" + them)), cache.load());
        assertFalse(Files.exists(home.resolve("peers.txt.tmp")));

        manager.links.clear();
        manager.connects.clear();
        discovery(peer(1), new DiscoverySettings(), cache);
        clock.runFor(Duration.ofSeconds(2));
        assertEquals(List.of(MeshAddress.parse("/ip4/10.1.2.3/tcp/4001/p2p/" + them)), manager.connects);
    }

    @Test
    void cachedPeersThatNoLongerAnswerAreTriedAFewTimesOnly(@TempDir Path home) throws Exception {
        FilePeerCache cache = new FilePeerCache(home.resolve("peers.txt"));
        cache.save(List.of(MeshAddress.parse("/ip4/10.1.2.3/tcp/4001/p2p/" + peer(200))));
        manager.outcome = a -> null;
        discovery(peer(1), new DiscoverySettings(), cache);
        clock.runFor(Duration.ofMinutes(10));
        assertEquals(Discovery.CACHE_ATTEMPTS, manager.connects.size());
    }

    @Test
    void announcementsDecodeWithinBounds() {
        PeerId p = peer(5);
        byte[] ok = announcement(p, "/ip4/1.2.3.4/tcp/1");
        assertEquals(p, Announcement.decode(ok, ok.length).peer);
        assertThrows(IllegalArgumentException.class, () -> Announcement.decode(ok, ok.length - 1));
        byte[] tooMany = ok.clone();
        tooMany[36] = (byte) 200;
        assertThrows(IllegalArgumentException.class, () -> Announcement.decode(tooMany, tooMany.length));
        assertThrows(IllegalArgumentException.class, () -> Announcement.decode(new byte[2000], 2000));
        byte[] trailing = java.util.Arrays.copyOf(ok, ok.length + 1);
        assertThrows(IllegalArgumentException.class, () -> Announcement.decode(trailing, trailing.length));
    }

    @Test
    void settingsComeFromConfigurationThenFrameworkProperties() {
        DiscoverySettings s = DiscoverySettings.from(java.util.Map.of("seeds", new String[] {"/ip4/1.2.3.4/tcp/1"}),
                java.util.Map.of("mesh.discovery.interfaces", "lo", "mesh.discovery.intervalSeconds", "0.5")::get);
        assertEquals(List.of("lo"), s.interfaces);
        assertEquals(500, s.interval.toMillis());
        assertEquals(List.of(MeshAddress.parse("/ip4/1.2.3.4/tcp/1")), s.seeds);
        assertEquals(4000, s.port);
    }
}
