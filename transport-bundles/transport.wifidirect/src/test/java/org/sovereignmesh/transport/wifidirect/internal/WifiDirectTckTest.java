package org.sovereignmesh.transport.wifidirect.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.time.VirtualScheduler;
import org.sovereignmesh.transport.netty.internal.TransportSettings;
import org.sovereignmesh.transport.tck.TransportFixture;
import org.sovereignmesh.transport.tck.TransportTck;

/**
 * Three Wi-Fi Direct transports, each with its own scripted wpa_supplicant on a real UNIX datagram socket, each
 * forming a group of its own on {@code lo}; links are the TCP data plane over loopback (real sockets, so the kit runs
 * in real-time steps).
 */
class WifiDirectTckTest extends TransportTck {

    @Override
    protected TransportFixture createFixture() throws Exception {
        Path dir = Files.createTempDirectory("wifidirect-tck");
        return new TransportFixture() {
            private final List<FakeWpaSupplicant> supplicants = new ArrayList<>();

            @Override
            public Transport create(int index, VirtualScheduler clock) throws Exception {
                Path home = dir.resolve("n" + index);
                supplicants.add(new FakeWpaSupplicant(home, "p2p-dev-wlan0", String.format("02:00:00:00:00:%02x",
                        index + 1), "lo"));
                TransportSettings plane = TransportSettings.from(Map.of(), k -> null, "wifidirect", 0)
                        .withMtu(8192).withTimeouts(Duration.ofDays(1), Duration.ofHours(1), Duration.ofDays(1),
                                Duration.ofDays(1));
                // reply timeouts run on the kit's virtual clock, which steps 5 s per 10 ms of real time here: give
                // the supplicant's real replies ample virtual minutes (at least 1.2 s of real time)
                WifiDirectSettings settings = new WifiDirectSettings(home, "p2p-dev-wlan0", home.resolve("clients"),
                        true, 7, Duration.ZERO, Duration.ofMinutes(10), Duration.ofMinutes(10), Duration.ofSeconds(30),
                        plane, "lo");
                return new WifiDirectTransport("wifidirect-" + index, settings);
            }

            @Override
            public boolean realTime() {
                return true;
            }

            @Override
            public MeshAddress addressOf(Transport target, List<MeshAddress> reported) {
                return reported.stream().filter(a -> a.firstProtocol().equals("ip4")).findFirst()
                        .orElseThrow(() -> new AssertionError(target.id() + " reports no data-plane address: "
                                + reported));
            }

            @Override
            public void close() throws Exception {
                for (FakeWpaSupplicant s : supplicants) {
                    s.close();
                }
            }
        };
    }
}
