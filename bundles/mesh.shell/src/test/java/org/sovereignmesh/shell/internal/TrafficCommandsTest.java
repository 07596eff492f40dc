package org.sovereignmesh.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.status.DeliveryInfo;
import org.sovereignmesh.api.status.MeshStatus;
import org.sovereignmesh.api.status.QueuedPacket;
import org.sovereignmesh.api.status.RouteInfo;

/** What the traffic commands print for a given status, and how they refuse bad arguments. */
class TrafficCommandsTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final PeerId ALICE = PeerId.fromPublicKey(new byte[32]);
    private static final PeerId BOB = PeerId.fromPublicKey(filled(7));

    private final List<RouteInfo> routes = new ArrayList<>();
    private final List<QueuedPacket> queued = new ArrayList<>();
    private final List<DeliveryInfo> deliveries = new ArrayList<>();
    private final TrafficCommands commands = new TrafficCommands(new MeshStatus() {
        @Override
        public List<RouteInfo> routes() {
            return routes;
        }

        @Override
        public List<QueuedPacket> queued() {
            return queued;
        }

        @Override
        public List<DeliveryInfo> deliveries(int max) {
            return deliveries.subList(0, Math.min(max, deliveries.size()));
        }

        @Override
        public Optional<DeliveryInfo> delivery(String messageId) {
            return deliveries.stream().filter(d -> d.messageId().equals(messageId)).findFirst();
        }
    }, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));

    private static byte[] filled(int value) {
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, (byte) value);
        return key;
    }

    @Test
    void emptyStatusSaysSo() {
        assertEquals("no routes", commands.routes());
        assertEquals("no packets waiting", commands.queue());
        assertEquals("no messages sent yet", commands.deliveries(20));
    }

    @Test
    void routesShowKindNextHopAgeAndLinks() {
        routes.add(new RouteInfo("00112233aabbccdd", BOB, RouteInfo.Kind.NEIGHBOUR, BOB,
                List.of("tcp /ip4/10.0.0.2/tcp/4001", "lora /lora/868.1/sf/9"), NOW - 90_000));
        routes.add(new RouteInfo("ffeeddccbbaa9988", null, RouteInfo.Kind.LEARNED, BOB, List.of(), NOW - 5_000));
        String[] lines = commands.routes().split("\n");
        assertEquals(3, lines.length);
        assertTrue(lines[0].startsWith("DESTINATION"), lines[0]);
        assertTrue(lines[1].contains("NEIGHBOUR") && lines[1].contains("1m30s ago")
                && lines[1].endsWith("tcp /ip4/10.0.0.2/tcp/4001, lora /lora/868.1/sf/9"), lines[1]);
        assertTrue(lines[2].contains("LEARNED") && lines[2].contains(" - ") && lines[2].contains("5s ago")
                && lines[2].contains(BOB.shortName()), lines[2]);
    }

    @Test
    void queueShowsEachPacketAndTotals() {
        queued.add(new QueuedPacket("00112233aabbccdd", ALICE, QueuedPacket.Kind.MESSAGE, "1f2e", 300, 0, NOW - 2_000,
                NOW + Duration.ofHours(23).toMillis(), 1));
        queued.add(new QueuedPacket("ffeeddccbbaa9988", null, QueuedPacket.Kind.CUSTODY, "", 200, 2, NOW - 1_000,
                NOW + 60_000, 0));
        String out = commands.queue();
        assertTrue(out.contains("MESSAGE") && out.contains("1f2e") && out.contains("in 23h"), out);
        assertTrue(out.contains("CUSTODY") && out.contains("in 1m"), out);
        assertTrue(out.endsWith("2 packets, 500 bytes"), out);
    }

    @Test
    void deliveriesListAndDetail() {
        deliveries.add(new DeliveryInfo("abc123", BOB, "text", 12, true, DeliveryInfo.State.WAITING, 2, NOW - 10_000,
                NOW - 3_000, NOW + Duration.ofDays(1).toMillis(), "last attempt via tcp /ip4/10.0.0.2/tcp/4001"));
        deliveries.add(new DeliveryInfo("def456", ALICE, "text", 5, false, DeliveryInfo.State.SENT, 1, NOW - 60_000,
                NOW - 60_000, NOW - 30_000, "udp /ip4/10.0.0.3/udp/4001"));
        String list = commands.deliveries(20);
        assertEquals(3, list.split("\n").length);
        assertTrue(list.contains("reliable") && list.contains("WAITING") && list.contains("3s ago"), list);
        assertEquals(2, commands.deliveries(1).split("\n").length);

        String detail = commands.deliveries(20, "abc123");
        assertTrue(detail.contains("to          " + BOB), detail);
        assertTrue(detail.contains("effort      reliable (acknowledged)"), detail);
        assertTrue(detail.contains("expires     in 1d"), detail);
        assertTrue(detail.endsWith("detail      last attempt via tcp /ip4/10.0.0.2/tcp/4001"), detail);
        assertTrue(!commands.deliveries(20, "def456").contains("expires"), "finished messages have no expiry line");

        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> commands.deliveries(20, "999"));
        assertTrue(unknown.getMessage().contains("no message 999"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> commands.deliveries(0));
        assertThrows(IllegalArgumentException.class, () -> commands.deliveries(20, "a", "b"));
    }

    @Test
    void durationsReadAndWriteTheShortForms() {
        assertEquals("850ms", Durations.human(850));
        assertEquals("42s", Durations.human(42_000));
        assertEquals("5m12s", Durations.human(312_000));
        assertEquals("2h", Durations.human(7_200_000));
        assertEquals("3d4h", Durations.human(Duration.ofHours(76).toMillis()));
        assertEquals(Duration.ofSeconds(90), Durations.parse("90s"));
        assertEquals(Duration.ofMinutes(30), Durations.parse("30m"));
        assertEquals(Duration.ofHours(12), Durations.parse("12H"));
        assertEquals(Duration.ofDays(7), Durations.parse(" 7d "));
        assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("PT1H30M"));
        for (String bad : new String[] {"", "d", "12", "1w", "abc", "P1X"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
            assertTrue(e.getMessage().contains("not a duration"), e.getMessage());
        }
    }
}
