package org.sovereignmesh.transport.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.time.VirtualScheduler;
import org.sovereignmesh.transport.sim.AirtimeModel;
import org.sovereignmesh.transport.sim.RadioStation;
import org.sovereignmesh.transport.sim.StationSpec;

class SimMediumTest {
    /** 8 bytes take 1 ms at 64 kbit/s; 80 bytes take 10 ms. */
    private static final AirtimeModel AIRTIME = AirtimeModel.ofBitrate(64_000);
    private final VirtualScheduler clock = new VirtualScheduler();

    private final class Node {
        final List<byte[]> heard = new ArrayList<>();
        final List<Long> heardAt = new ArrayList<>();
        final RadioStation station;

        Node(SimMedium medium, String name, double x, double range, double dutyCycle) {
            station = medium.join(new StationSpec(name, x, 0, range, AIRTIME, dutyCycle), frame -> {
                heard.add(frame);
                heardAt.add(clock.nanoTime());
            });
        }
    }

    /** A - B - C on a line, 100 m apart, each reaching 150 m: A hears B, B hears C, A does not hear C. */
    private List<Node> line(SimMedium medium) {
        return List.of(new Node(medium, "a", 0, 150, 1.0), new Node(medium, "b", 100, 150, 1.0),
                new Node(medium, "c", 200, 150, 1.0));
    }

    @Test
    void aTransmissionReachesExactlyTheStationsInRangeAfterItsAirtime() {
        SimMedium medium = new SimMedium("m", clock, 0, 1);
        List<Node> n = line(medium);
        n.get(0).station.transmit(new byte[80]);
        clock.runFor(Duration.ofSeconds(1));
        assertEquals(1, n.get(1).heard.size(), "b is in a's range");
        assertEquals(0, n.get(2).heard.size(), "c is 200 m from a, beyond its 150 m");
        assertEquals(0, n.get(0).heard.size(), "a does not hear itself");
        assertEquals(TimeUnit.MILLISECONDS.toNanos(10), n.get(1).heardAt.get(0), "arrives when 80 bytes at 64 kbit/s have passed");
        n.get(1).station.transmit(new byte[8]);
        clock.runFor(Duration.ofSeconds(1));
        assertEquals(1, n.get(0).heard.size());
        assertEquals(1, n.get(2).heard.size(), "b is the hop between a and c");
        assertTrue(medium.hears("b", "a") && medium.hears("c", "b") && !medium.hears("c", "a"));
    }

    @Test
    void hiddenTerminalsCollideAtTheStationBetweenThem() {
        SimMedium medium = new SimMedium("m", clock, 0, 1);
        List<Node> n = line(medium);
        n.get(0).station.transmit(new byte[80]);
        clock.schedule(() -> n.get(2).station.transmit(new byte[80]), 5, TimeUnit.MILLISECONDS);
        clock.runFor(Duration.ofSeconds(1));
        assertEquals(0, n.get(1).heard.size(), "overlapping transmissions corrupt each other at b");
        assertEquals(2, medium.stats().collisions);
        n.get(0).station.transmit(new byte[80]);
        clock.schedule(() -> n.get(2).station.transmit(new byte[80]), 10, TimeUnit.MILLISECONDS);
        clock.runFor(Duration.ofSeconds(1));
        assertEquals(2, n.get(1).heard.size(), "back-to-back transmissions that do not overlap both arrive");
    }

    @Test
    void aStationHearsNothingWhileItTransmits() {
        SimMedium medium = new SimMedium("m", clock, 0, 1);
        List<Node> n = line(medium);
        n.get(0).station.transmit(new byte[80]);
        clock.schedule(() -> n.get(1).station.transmit(new byte[8]), 2, TimeUnit.MILLISECONDS);
        clock.runFor(Duration.ofSeconds(1));
        assertEquals(0, n.get(1).heard.size(), "b was transmitting during a's frame");
        assertEquals(1, n.get(2).heard.size(), "c hears b (a is out of c's range, so no collision there)");
        assertEquals(0, n.get(0).heard.size(), "a was transmitting when b began");
    }

    @Test
    void randomLossIsSeededAndNearTheConfiguredRate() {
        int first = deliveredOutOf(1000, 0.3, 42);
        assertEquals(first, deliveredOutOf(1000, 0.3, 42), "the same seed loses the same frames");
        assertTrue(first > 640 && first < 760, "about 70 % arrive with 30 % loss, got " + first);
        assertFalse(first == deliveredOutOf(1000, 0.3, 43) && first == deliveredOutOf(1000, 0.3, 44),
                "other seeds lose other frames");
    }

    private int deliveredOutOf(int frames, double loss, long seed) {
        VirtualScheduler own = new VirtualScheduler();
        SimMedium medium = new SimMedium("m", own, loss, seed);
        int[] count = new int[1];
        RadioStation sender = medium.join(new StationSpec("s", 0, 0, 10, AIRTIME, 1.0), f -> { });
        medium.join(new StationSpec("r", 1, 0, 10, AIRTIME, 1.0), f -> count[0]++);
        for (int i = 0; i < frames; i++) {
            own.schedule(() -> sender.transmit(new byte[8]), i * 2L, TimeUnit.MILLISECONDS);
        }
        own.runFor(Duration.ofMinutes(1));
        assertEquals(frames, medium.stats().delivered + medium.stats().lost);
        return count[0];
    }

    @Test
    void theDutyCycleBudgetRefusesTransmissionsBeyondItUntilTheWindowMoves() throws Exception {
        SimMedium medium = new SimMedium("m", clock, 0, 1);
        // 8000 bytes = 1 s on air; 1 % of an hour = 36 s
        Node a = new Node(medium, "a", 0, 100, 0.01);
        new Node(medium, "b", 10, 100, 1.0);
        for (int i = 0; i < 36; i++) {
            CompletableFuture<Void> sent = a.station.transmit(new byte[8000]).toCompletableFuture();
            clock.runFor(Duration.ofSeconds(2));
            assertTrue(sent.isDone() && !sent.isCompletedExceptionally(), "transmission " + (i + 1) + " fits the budget");
        }
        assertTrue(a.station.budgetWaitNanos(8000) > 0);
        CompletableFuture<Void> refused = a.station.transmit(new byte[8000]).toCompletableFuture();
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, refused::get);
        assertTrue(e.getCause() instanceof TransportException && e.getCause().getMessage().contains("duty cycle"));
        assertEquals(1, medium.stats().dutyCycleViolations);
        long wait = a.station.budgetWaitNanos(8000);
        clock.runFor(Duration.ofNanos(wait));
        assertEquals(0, a.station.budgetWaitNanos(8000), "once the first second leaves the hour, one more fits");
        assertTrue(wait > TimeUnit.MINUTES.toNanos(55) && wait <= TimeUnit.MINUTES.toNanos(60), "wait " + wait);
    }

    @Test
    void aStationThatLeavesMidFrameIsNotHeard() {
        SimMedium medium = new SimMedium("m", clock, 0, 1);
        List<Node> n = line(medium);
        n.get(0).station.transmit(new byte[80]);
        clock.schedule(n.get(0).station::leave, 5, TimeUnit.MILLISECONDS);
        clock.runFor(Duration.ofSeconds(1));
        assertEquals(0, n.get(1).heard.size());
        CompletableFuture<Void> after = n.get(0).station.transmit(new byte[8]).toCompletableFuture();
        assertTrue(after.isCompletedExceptionally(), "a station that left cannot transmit");
    }

    @Test
    void movingAStationChangesWhoHearsIt() {
        SimMedium medium = new SimMedium("m", clock, 0, 1);
        List<Node> n = line(medium);
        n.get(2).station.moveTo(120, 0);
        n.get(0).station.transmit(new byte[8]);
        clock.runFor(Duration.ofSeconds(1));
        assertEquals(1, n.get(2).heard.size(), "c moved within a's range");
    }
}
