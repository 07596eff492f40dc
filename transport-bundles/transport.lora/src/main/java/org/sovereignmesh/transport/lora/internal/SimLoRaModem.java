package org.sovereignmesh.transport.lora.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.transport.sim.RadioMedium;
import org.sovereignmesh.transport.sim.RadioStation;
import org.sovereignmesh.transport.sim.StationSpec;

/**
 * A LoRa radio on the simulated medium: a station whose airtime is the exact LoRa time on air of the settings, and
 * whose duty cycle the medium checks as a regulator would. For tests and the simulator.
 */
final class SimLoRaModem implements LoRaModem {
    private final RadioMedium medium;
    private final StationSpec spec;
    private RadioStation station;

    SimLoRaModem(RadioMedium medium, String station, double x, double y, double range, LoRaSettings settings) {
        this.medium = medium;
        this.spec = new StationSpec(station, x, y, range, settings.modulation::airtimeNanos, settings.dutyCycle);
    }

    @Override
    public synchronized void open(Events events) {
        try {
            station = medium.join(spec, events::received);
        } catch (IllegalArgumentException e) {
            events.failed(e.getMessage());
            return;
        }
        events.ready(describe());
    }

    @Override
    public CompletionStage<Void> transmit(byte[] frame) {
        RadioStation current;
        synchronized (this) {
            current = station;
        }
        if (current == null) {
            return CompletableFuture.failedFuture(new TransportException(describe() + " is not on air"));
        }
        return current.transmit(frame);
    }

    @Override
    public synchronized void close() {
        if (station != null) {
            station.leave();
            station = null;
        }
    }

    @Override
    public String describe() {
        return "simulated LoRa station " + spec.name() + " on " + medium.name();
    }
}
