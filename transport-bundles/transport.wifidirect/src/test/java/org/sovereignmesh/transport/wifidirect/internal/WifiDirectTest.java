package org.sovereignmesh.transport.wifidirect.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.TransportState;
import org.sovereignmesh.time.SystemScheduler;
import org.sovereignmesh.transport.netty.internal.TransportSettings;
import org.sovereignmesh.transport.tck.RecordingContext;
import org.sovereignmesh.transport.tck.RecordingReceiver;
import org.sovereignmesh.transport.tck.WallClock;

/**
 * The control-interface client against a scripted wpa_supplicant on real UNIX datagram sockets, and the TCP data plane
 * over loopback, on wall-clock time: discovery, a group formed by one node and joined by another, frames both ways,
 * the group removed, and the failures (no socket, a silent supplicant, failed formation).
 */
class WifiDirectTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    static WifiDirectSettings settings(Path dir, String iface, boolean autonomous, int port, String groupIface) {
        TransportSettings plane = TransportSettings.from(Map.of(), k -> null, "wifidirect", port);
        return new WifiDirectSettings(dir, iface, dir.resolve("clients"), autonomous, 7, Duration.ofSeconds(30),
                Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(30), plane, groupIface);
    }

    @Test
    void discoveryGroupFormationAndFramesOverTheGroup(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (SystemScheduler clock = new SystemScheduler("wifidirect-test");
                FakeWpaSupplicant wpaA = new FakeWpaSupplicant(dir.resolve("a"), "p2p-dev-wlan0", "02:00:00:00:0a:01", "lo");
                FakeWpaSupplicant wpaB = new FakeWpaSupplicant(dir.resolve("b"), "p2p-dev-wlan0", "02:00:00:00:0b:01", "lo")) {
            WifiDirectTransport a = new WifiDirectTransport("wifidirect", settings(dir.resolve("a"), "p2p-dev-wlan0",
                    true, port, "lo"));
            WifiDirectTransport b = new WifiDirectTransport("wifidirect", settings(dir.resolve("b"), "p2p-dev-wlan0",
                    false, port, ""));
            RecordingContext ca = new RecordingContext(clock);
            RecordingContext cb = new RecordingContext(clock);
            a.start(ca);
            b.start(cb);
            WallClock.await("both ACTIVE", PATIENCE, () -> cb.state() == TransportState.ACTIVE
                    && ca.localAddresses().size() == 2);
            assertEquals(List.of("PING", "ATTACH", "STATUS", "P2P_FIND"), wpaB.commands.subList(0, 4));
            assertEquals(List.of(MeshAddress.parse("/wifidirect/02:00:00:00:0b:01")), cb.localAddresses());
            assertTrue(wpaA.commands.contains("P2P_GROUP_ADD"), "an autonomous group is formed");
            assertEquals(List.of(MeshAddress.parse("/ip4/127.0.0.1/tcp/" + port),
                    MeshAddress.parse("/wifidirect/02:00:00:00:0a:01")), ca.localAddresses(),
                    "the owner's data plane listens on the group interface");

            wpaB.event("P2P-DEVICE-FOUND 02:00:00:00:0a:01 p2p_dev_addr=02:00:00:00:0a:01 pri_dev_type=1-0050F204-1 "
                    + "name='mesh node a' config_methods=0x188 dev_capab=0x25 group_capab=0x0 new=1");
            wpaB.event("P2P-DEVICE-FOUND garbage");
            wpaB.event("P2P-GROUP-STARTED");
            wpaB.event("NOT-AN-EVENT 'unterminated");
            WallClock.await("the peer is reported as a neighbour", PATIENCE,
                    () -> cb.neighbours().contains(MeshAddress.parse("/wifidirect/02:00:00:00:0a:01")));
            assertEquals(1, cb.neighbours().size(), "malformed events report nothing");

            wpaB.joinAsClient("127.0.0.2", "127.0.0.1");
            Link fromB = b.connect(MeshAddress.parse("/wifidirect/02:00:00:00:0a:01")).toCompletableFuture()
                    .get(20, TimeUnit.SECONDS);
            assertTrue(wpaB.commands.contains("P2P_CONNECT 02:00:00:00:0a:01 pbc go_intent=7"), wpaB.commands.toString());
            assertEquals(MeshAddress.parse("/ip4/127.0.0.1/tcp/" + port), fromB.remoteAddress());
            assertEquals(MeshAddress.parse("/ip4/127.0.0.2/tcp/" + port), cb.localAddresses().get(0),
                    "the client's data plane listens on its allocated address");
            WallClock.await("the owner sees the link", PATIENCE, () -> ca.incomingLinks().size() == 1);
            Link atA = ca.incomingLinks().get(0);
            RecordingReceiver rb = new RecordingReceiver(clock, "b");
            RecordingReceiver ra = new RecordingReceiver(clock, "a");
            fromB.start(rb);
            atA.start(ra);
            byte[] big = new byte[60_000];
            new java.util.Random(1).nextBytes(big);
            fromB.send(big).toCompletableFuture().get(10, TimeUnit.SECONDS);
            atA.send(new byte[] {1, 2, 3}).toCompletableFuture().get(10, TimeUnit.SECONDS);
            WallClock.await("frames both ways", PATIENCE, () -> ra.frameCount() == 1 && rb.frameCount() == 1);
            assertArrayEquals(big, ra.frames().get(0));
            assertArrayEquals(new byte[] {1, 2, 3}, rb.frames().get(0));

            wpaA.event("P2P-GROUP-REMOVED lo GO reason=UNAVAILABLE");
            WallClock.await("the owner's data plane closes with the group, and the link at both ends", PATIENCE,
                    () -> ra.closed() && rb.closed() && ca.localAddresses().size() == 1);

            a.stop();
            b.stop();
            WallClock.await("stop detaches", PATIENCE, () -> wpaA.commands.contains("DETACH")
                    && wpaB.commands.contains("DETACH") && !wpaA.hasAttachedClients());
            assertTrue(wpaA.commands.contains("P2P_STOP_FIND"));
        }
    }

    @Test
    void failedGroupFormationFailsTheConnect(@TempDir Path dir) throws Exception {
        try (SystemScheduler clock = new SystemScheduler("wifidirect-fail-test");
                FakeWpaSupplicant wpa = new FakeWpaSupplicant(dir, "wlan0", "02:00:00:00:0c:01", "lo")) {
            WifiDirectTransport t = new WifiDirectTransport("wifidirect", settings(dir, "wlan0", false, 0, ""));
            RecordingContext c = new RecordingContext(clock);
            t.start(c);
            WallClock.await("ACTIVE", PATIENCE, () -> c.state() == TransportState.ACTIVE);
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> t.connect(MeshAddress.parse("/wifidirect/02:00:00:00:0d:01")).toCompletableFuture()
                            .get(20, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("P2P-GO-NEG-FAILURE status=1"), e.getCause().getMessage());
            ExecutionException noGroup = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> t.connect(MeshAddress.parse("/ip4/127.0.0.1/tcp/9")).toCompletableFuture()
                            .get(20, TimeUnit.SECONDS));
            assertTrue(noGroup.getCause().getMessage().startsWith("no Wi-Fi Direct group is up"));
            t.stop();
        }
    }

    @Test
    void withoutWpaSupplicantTheTransportIsUnavailableWithTheReason(@TempDir Path dir) throws Exception {
        try (SystemScheduler clock = new SystemScheduler("wifidirect-absent-test")) {
            WifiDirectTransport t = new WifiDirectTransport("wifidirect", settings(dir, "wlan0", false, 0, ""));
            RecordingContext c = new RecordingContext(clock);
            t.start(c);
            WallClock.await("UNAVAILABLE", PATIENCE, () -> c.state() == TransportState.UNAVAILABLE);
            assertTrue(c.stateDetail().startsWith("no wpa_supplicant control socket at " + dir.resolve("wlan0")),
                    c.stateDetail());
            assertTrue(c.stateDetail().contains("retrying every 30 s"), c.stateDetail());
            t.stop();
        }
        try (SystemScheduler clock = new SystemScheduler("wifidirect-silent-test");
                FakeWpaSupplicant wpa = new FakeWpaSupplicant(dir, "wlan1", "02:00:00:00:0e:01", "lo")) {
            wpa.silence();
            WifiDirectTransport t = new WifiDirectTransport("wifidirect", settings(dir, "wlan1", false, 0, ""));
            RecordingContext c = new RecordingContext(clock);
            t.start(c);
            WallClock.await("UNAVAILABLE", PATIENCE, () -> c.state() == TransportState.UNAVAILABLE);
            assertTrue(c.stateDetail().contains("did not answer PING within 2 s"), c.stateDetail());
            t.stop();
        }
    }
}
