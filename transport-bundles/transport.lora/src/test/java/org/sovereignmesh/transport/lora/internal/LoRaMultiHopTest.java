package org.sovereignmesh.transport.lora.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.time.VirtualScheduler;
import org.sovereignmesh.transport.sim.internal.SimMedium;
import org.sovereignmesh.transport.tck.RecordingContext;
import org.sovereignmesh.transport.tck.RecordingReceiver;

/** Three LoRa nodes in a line on the simulated channel: A hears B, B hears C, A and C are hidden from each other. */
class LoRaMultiHopTest {
    private final VirtualScheduler clock = new VirtualScheduler();
    private final SimMedium medium = new SimMedium("eu868", clock, 0, 1);
    private final LoRaSettings settings = LoRaSettings.eu868();
    private final List<Link> links = new ArrayList<>();
    private final List<RecordingReceiver> heard = new ArrayList<>();

    private void node(String name, double x) throws Exception {
        LoRaTransport t = LoRaTransport.onSimulatedMedium("lora-" + name, settings, medium, name, x, 0, 2000);
        RecordingContext context = new RecordingContext(clock);
        t.start(context);
        clock.runFor(Duration.ofMillis(10));
        Link link = context.incomingLinks().get(0);
        RecordingReceiver receiver = new RecordingReceiver(clock, name);
        link.start(receiver);
        links.add(link);
        heard.add(receiver);
    }

    @Test
    void framesTravelOneHopAndHiddenTerminalsCollideInTheMiddle() throws Exception {
        node("a", 0);
        node("b", 1500);
        node("c", 3000);
        long sentAt = clock.nanoTime();
        links.get(0).send(new byte[20]);
        clock.runFor(Duration.ofSeconds(5));
        assertEquals(List.of(0, 1, 0), counts(), "only b is within 2 km of a");
        assertEquals(settings.modulation.airtimeNanos(20), heard.get(1).arrivalNanos(0) - sentAt,
                "the frame arrives after exactly its LoRa time on air");

        links.get(1).send(new byte[20]);
        clock.runFor(Duration.ofSeconds(5));
        assertEquals(List.of(1, 1, 1), counts(), "b is the hop between a and c");

        links.get(0).send(new byte[30]);
        links.get(2).send(new byte[30]);
        clock.runFor(Duration.ofSeconds(5));
        assertEquals(List.of(1, 1, 1), counts(), "a and c cannot hear each other, so both transmit and collide at b");
        assertEquals(2, medium.stats().collisions);
        assertEquals(0, medium.stats().dutyCycleViolations, "the transports kept within the 1 % the medium checks");
    }

    private List<Integer> counts() {
        List<Integer> counts = new ArrayList<>();
        for (RecordingReceiver r : heard) {
            counts.add(r.frameCount());
        }
        return counts;
    }
}
