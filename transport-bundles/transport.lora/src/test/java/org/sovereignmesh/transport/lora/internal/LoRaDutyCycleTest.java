package org.sovereignmesh.transport.lora.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.api.transport.TransportState;
import org.sovereignmesh.time.VirtualScheduler;
import org.sovereignmesh.transport.sim.internal.SimMedium;
import org.sovereignmesh.transport.tck.RecordingContext;
import org.sovereignmesh.transport.tck.RecordingReceiver;
import org.sovereignmesh.transport.tck.serial.MemorySerialPort;

/**
 * The EU 868 MHz 1 % budget, enforced over a sliding hour: at SF12/125 kHz a 51-byte frame is 2465.792 ms on air
 * (reference value), so 14 fit in the 36 s of an hour and the 15th waits until the first leaves the window.
 */
class LoRaDutyCycleTest {
    private final VirtualScheduler clock = new VirtualScheduler();
    private final SimMedium medium = new SimMedium("eu868", clock, 0, 1);
    private final LoRaSettings settings = new LoRaSettings(868_100_000L, new LoRaModulation(12, 125_000, 5, 8), 14,
            0.01, 4, Duration.ofSeconds(10));

    @Test
    void framesQueueInsteadOfExceedingTheBudgetAndTheTransportIsDegradedMeanwhile() throws Exception {
        MemorySerialPort port = new MemorySerialPort("/dev/rnode", clock, 1);
        FakeRNode rnode = new FakeRNode(clock, medium, "a", 0, 1000);
        rnode.attach(port.attachDevice(rnode));
        LoRaTransport transport = new LoRaTransport("lora", settings,
                scheduler -> new RNodeModem(port, port.name(), 115200, settings, scheduler));
        List<byte[]> heard = new ArrayList<>();
        List<Long> heardAt = new ArrayList<>();
        medium.join(new org.sovereignmesh.transport.sim.StationSpec("listener", 10, 0, 1000,
                settings.modulation::airtimeNanos, 1.0), f -> {
                    heard.add(f);
                    heardAt.add(clock.nanoTime());
                });
        RecordingContext context = new RecordingContext(clock);
        transport.start(context);
        clock.runFor(Duration.ofSeconds(1));
        assertEquals(TransportState.ACTIVE, context.state(), context.stateDetail());
        assertEquals(2_465_792_000L, transport.airtimeNanos(51));
        Link link = context.incomingLinks().get(0);
        link.start(new RecordingReceiver(clock, "lora"));

        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            sent.add(link.send(new byte[51]).toCompletableFuture());
            clock.runFor(Duration.ofSeconds(3));
        }
        assertEquals(14, heard.size(), "14 frames (34.5 s) fit the 36 s budget");
        assertTrue(sent.stream().allMatch(f -> f.isDone() && !f.isCompletedExceptionally()));
        assertEquals(TransportState.ACTIVE, context.state());

        List<CompletableFuture<Void>> queued = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            queued.add(link.send(new byte[51]).toCompletableFuture());
        }
        CompletableFuture<Void> refused = link.send(new byte[51]).toCompletableFuture();
        clock.runFor(Duration.ofSeconds(1));
        assertTrue(refused.isCompletedExceptionally(), "beyond the queue of 4 sends are refused");
        assertTrue(refused.handle((ok, e) -> e).get() instanceof TransportException);
        assertEquals(TransportState.DEGRADED, context.state(), "throttled: " + context.stateDetail());
        assertTrue(context.stateDetail().contains("duty-cycle budget of 1.0 % used up"), context.stateDetail());
        assertEquals(14, heard.size(), "nothing went out beyond the budget");

        clock.runFor(Duration.ofMinutes(59));
        assertEquals(14, heard.size(), "still within the hour of the first frame");
        clock.runFor(Duration.ofMinutes(2));
        assertEquals(18, heard.size(), "as the first frames leave the window, the queued ones go out");
        assertTrue(queued.stream().allMatch(f -> f.isDone() && !f.isCompletedExceptionally()));
        assertEquals(TransportState.ACTIVE, context.state(), "no longer throttled once the queue is empty");

        long window = TimeUnit.HOURS.toNanos(1);
        for (int i = 0; i < heardAt.size(); i++) {
            long airtime = 0;
            for (int j = 0; j < heardAt.size(); j++) {
                if (heardAt.get(j) <= heardAt.get(i) && heardAt.get(j) > heardAt.get(i) - window) {
                    airtime += transport.airtimeNanos(51);
                }
            }
            assertTrue(airtime <= window / 100, "every hour ending at a transmission holds at most 36 s of airtime, "
                    + "got " + airtime / 1e9 + " s");
        }
        transport.stop();
    }

    @Test
    void aFrameLongerThanTheWholeBudgetIsRefusedAtOnce() throws Exception {
        LoRaSettings tiny = new LoRaSettings(868_100_000L, new LoRaModulation(12, 125_000, 8, 8), 14, 0.0005, 4,
                Duration.ofSeconds(10));
        LoRaTransport transport = new LoRaTransport("lora", tiny,
                scheduler -> new SimLoRaModem(medium, "b", 0, 0, 100, tiny));
        RecordingContext context = new RecordingContext(clock);
        transport.start(context);
        clock.runFor(Duration.ofSeconds(1));
        Link link = context.incomingLinks().get(0);
        link.start(new RecordingReceiver(clock, "b"));
        // 255 bytes at SF12 4/8 take about 14.5 s; 0.05 % of an hour is 1.8 s
        CompletableFuture<Void> sending = link.send(new byte[255]).toCompletableFuture();
        clock.runFor(Duration.ofSeconds(1));
        Throwable error = sending.handle((ok, e) -> e).get();
        assertTrue(error instanceof TransportException && error.getMessage().contains("whole duty-cycle budget"),
                String.valueOf(error));
        transport.stop();
    }
}
