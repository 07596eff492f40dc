package org.sovereignmesh.transport.lora.internal;

import java.time.Duration;

import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.TransportProfile;
import org.sovereignmesh.radio.Modem;
import org.sovereignmesh.radio.ModemTransport;

/**
 * LoRa as a broadcast transport: one link per channel ({@code /lora/868.1/sf/9/bw/125}), offered once the modem is
 * configured. Frames of up to 255 bytes go out one at a time, each within a sliding one-hour duty-cycle budget
 * computed from its exact time on air; while the budget is used up frames queue (bounded) and the transport reports
 * DEGRADED. A modem that is absent, silent or unplugged makes the transport UNAVAILABLE and it tries again every
 * retry interval (all of it {@link ModemTransport}). Plain Java: the modem comes from a factory, so tests use a fake
 * RNode on a memory or pty serial line, or the simulated medium.
 */
public final class LoRaTransport extends ModemTransport {
    private final LoRaSettings settings;
    private final ModemFactory modems;

    /** Makes the modem for one start (the scheduler is the node's). */
    @FunctionalInterface
    interface ModemFactory {
        LoRaModem create(Scheduler scheduler);
    }

    LoRaTransport(String id, LoRaSettings settings, ModemFactory modems) {
        super(id, "LoRa", settings.channelAddress(), profile(settings), settings.dutyCycle, settings.queueLimit,
                settings.retryInterval);
        this.settings = settings;
        this.modems = modems;
    }

    private static TransportProfile profile(LoRaSettings settings) {
        LoRaModulation m = settings.modulation;
        long fullFrame = m.airtimeNanos(LoRaSettings.MTU);
        return TransportProfile.builder().duplex(false).broadcast(true).lossy(true).mtu(LoRaSettings.MTU)
                .bitrate(Math.round(LoRaSettings.MTU * 8.0 * 1e9 / fullFrame))
                .latency(Duration.ofNanos(m.airtimeNanos(1))).cost(0).dutyCycle(settings.dutyCycle).build();
    }

    /**
     * A LoRa transport whose radio is a station on a simulated medium (for the simulator and tests): the medium
     * applies the exact LoRa airtime of {@code settings}, range, collisions and loss, and checks the duty cycle
     * the transport keeps.
     */
    public static LoRaTransport onSimulatedMedium(String id, LoRaSettings settings,
            org.sovereignmesh.transport.sim.RadioMedium medium, String station, double x, double y, double range) {
        return new LoRaTransport(id, settings, scheduler -> new SimLoRaModem(medium, station, x, y, range, settings));
    }

    @Override
    protected Modem createModem(Scheduler scheduler) {
        return modems.create(scheduler);
    }

    /** @return the airtime of a frame of {@code bytes} with this transport's settings, in nanoseconds */
    @Override
    protected long airtimeNanos(int bytes) {
        return settings.modulation.airtimeNanos(bytes);
    }
}
