package org.sovereignmesh.discovery.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.transport.MeshAddress;

/** Real multicast on the loopback interface only: what two nodes on one machine do. */
class MulticastChannelTest {
    @Test
    void twoChannelsOnOneMachineHearEachOther() throws Exception {
        DiscoverySettings settings = new DiscoverySettings();
        settings.interfaces = List.of("lo");
        settings.port = 45000 + (int) (ProcessHandle.current().pid() % 1000);
        settings.ttl = 0;
        List<InetAddress> sources = new CopyOnWriteArrayList<>();
        List<byte[]> heard = new CopyOnWriteArrayList<>();
        try (MulticastChannel a = MulticastChannel.open(settings, (s, d, l) -> { }) ;
                MulticastChannel b = MulticastChannel.open(settings, (s, d, l) -> {
                    sources.add(s);
                    heard.add(d);
                })) {
            org.sovereignmesh.api.PeerId sender = DiscoveryTest.peer(3);
            byte[] data = new Announcement(sender, List.of(MeshAddress.parse("/ip4/127.0.0.1/tcp/1")))
                    .encode();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (heard.isEmpty() && System.nanoTime() < deadline) {
                a.send(data);
                Thread.sleep(50);
            }
            assertTrue(!heard.isEmpty(), "announcement heard over loopback multicast");
            assertEquals(InetAddress.getLoopbackAddress(), sources.get(0));
            assertEquals(sender, Announcement.decode(heard.get(0), heard.get(0).length).peer);
        }
    }
}
