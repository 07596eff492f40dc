package org.sovereignmesh.transport.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.transport.LinkMode;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.api.transport.TransportState;
import org.sovereignmesh.time.VirtualScheduler;
import org.sovereignmesh.transport.sim.AirtimeModel;
import org.sovereignmesh.transport.sim.StationSpec;
import org.sovereignmesh.transport.tck.RecordingContext;
import org.sovereignmesh.transport.tck.RecordingReceiver;

class SimRadioTransportTest {
    private final VirtualScheduler clock = new VirtualScheduler();

    @Test
    void framesQueueForDutyCycleBudgetAndTheTransportIsDegradedMeanwhile() throws Exception {
        SimMedium medium = new SimMedium("m", clock, 0, 1);
        // 200 bytes at 1600 bit/s = 1 s on air; 1 % duty cycle allows 36 per hour
        StationSpec spec = new StationSpec("a", 0, 0, 100, AirtimeModel.ofBitrate(1600), 0.01);
        SimRadioTransport a = SimRadioTransport.on(medium, "sim-a", spec, 255, 8);
        SimRadioTransport b = SimRadioTransport.on(medium, "sim-b",
                new StationSpec("b", 5, 0, 100, AirtimeModel.ofBitrate(1600), 1.0), 255, 8);
        RecordingContext ca = new RecordingContext(clock);
        RecordingContext cb = new RecordingContext(clock);
        a.start(ca);
        b.start(cb);
        assertEquals(List.of(MeshAddress.parse("/sim/m/node/a")), ca.localAddresses());
        RecordingReceiver heard = new RecordingReceiver(clock, "b");
        cb.incomingLinks().get(0).start(heard);
        var link = ca.incomingLinks().get(0);
        link.start(new RecordingReceiver(clock, "a"));
        assertEquals(LinkMode.BROADCAST, link.mode());

        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int i = 0; i < 36; i++) {
            sent.add(link.send(new byte[200]).toCompletableFuture());
            clock.runFor(Duration.ofSeconds(1));
        }
        clock.runFor(Duration.ofSeconds(2));
        assertEquals(36, heard.frameCount(), "36 s of airtime fit 1 % of an hour");
        assertEquals(TransportState.ACTIVE, ca.state());

        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            waiting.add(link.send(new byte[200]).toCompletableFuture());
        }
        CompletableFuture<Void> overflow = link.send(new byte[200]).toCompletableFuture();
        clock.runFor(Duration.ofSeconds(1));
        assertTrue(overflow.isCompletedExceptionally(), "the queue is bounded");
        assertTrue(overflow.handle((ok, e) -> e).get() instanceof TransportException);
        assertEquals(TransportState.DEGRADED, ca.state(), "throttled by the duty cycle: " + ca.stateDetail());
        assertTrue(ca.stateDetail().contains("duty-cycle"), ca.stateDetail());
        clock.runFor(Duration.ofMinutes(30));
        assertEquals(36, heard.frameCount(), "nothing more within the same hour");
        clock.runFor(Duration.ofMinutes(40));
        assertEquals(44, heard.frameCount(), "the queued frames go out as the window moves on");
        assertTrue(waiting.stream().allMatch(f -> f.isDone() && !f.isCompletedExceptionally()));
        assertEquals(TransportState.ACTIVE, ca.state());
        assertEquals(0, medium.stats().dutyCycleViolations, "the transport never made the medium refuse");
        a.stop();
        b.stop();
    }

    @Test
    void withoutItsMediumTheTransportIsUnavailableAndAttachesWhenItAppears() throws Exception {
        SimRadioTransport t = new SimRadioTransport("sim", "later",
                new StationSpec("s", 0, 0, 1, AirtimeModel.ofBitrate(9600), 1.0), 255, 4);
        RecordingContext context = new RecordingContext(clock);
        t.start(context);
        assertEquals(TransportState.UNAVAILABLE, context.state());
        assertTrue(context.incomingLinks().isEmpty());
        SimMedium medium = new SimMedium("later", clock, 0, 1);
        t.mediumAvailable(new SimMedium("other", clock, 0, 1));
        assertEquals(TransportState.UNAVAILABLE, context.state(), "another medium's name does not match");
        t.mediumAvailable(medium);
        assertEquals(TransportState.ACTIVE, context.state());
        RecordingReceiver receiver = new RecordingReceiver(clock, "s");
        context.incomingLinks().get(0).start(receiver);
        t.mediumGone(medium);
        clock.runFor(Duration.ofSeconds(1));
        assertEquals(TransportState.UNAVAILABLE, context.state());
        assertEquals(1, receiver.closeCount(), "the channel link closes with the medium");
        t.stop();
        t.stop();
    }
}
