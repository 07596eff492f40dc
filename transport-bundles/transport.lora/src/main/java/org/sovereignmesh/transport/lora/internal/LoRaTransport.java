package org.sovereignmesh.transport.lora.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.sovereignmesh.api.time.Cancellable;
import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.LinkMode;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.api.transport.TransportContext;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.api.transport.TransportProfile;
import org.sovereignmesh.api.transport.TransportState;
import org.sovereignmesh.radio.RadioLink;
import org.sovereignmesh.radio.DutyCycleLedger;
import org.sovereignmesh.radio.RadioOutbox;

/**
 * LoRa as a broadcast transport: one {@link RadioLink} per channel ({@code /lora/868.1/sf/9/bw/125}), offered
 * once the modem is configured. Frames of up to 255 bytes go out one at a time, each within a sliding one-hour
 * duty-cycle budget computed from its exact time on air; while the budget is used up frames queue (bounded) and
 * the transport reports DEGRADED. A modem that is absent, silent or unplugged makes the transport UNAVAILABLE and
 * it tries again every retry interval. Plain Java: the modem comes from a factory, so tests use a fake RNode on a
 * memory or pty serial line, or the simulated medium.
 */
public final class LoRaTransport implements Transport {
    static final int HEARD_BUFFER = 64;

    private final String id;
    private final LoRaSettings settings;
    private final ModemFactory modems;
    private final TransportProfile profile;

    // guarded by this
    private TransportContext context;
    private LoRaModem modem;
    private RadioOutbox outbox;
    private RadioLink link;
    private Cancellable retry;

    /** Makes the modem for one start (the scheduler is the node's). */
    @FunctionalInterface
    interface ModemFactory {
        LoRaModem create(Scheduler scheduler);
    }

    LoRaTransport(String id, LoRaSettings settings, ModemFactory modems) {
        this.id = id;
        this.settings = settings;
        this.modems = modems;
        LoRaModulation m = settings.modulation;
        long fullFrame = m.airtimeNanos(LoRaSettings.MTU);
        this.profile = TransportProfile.builder().duplex(false).broadcast(true).lossy(true).mtu(LoRaSettings.MTU)
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

    /** @return the airtime of a frame of {@code bytes} with this transport's settings, in nanoseconds */
    long airtimeNanos(int bytes) {
        return settings.modulation.airtimeNanos(bytes);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public TransportProfile profile() {
        return profile;
    }

    /** LoRa links are the channel itself, offered on start; nothing to connect to on demand. */
    @Override
    public boolean supports(MeshAddress address) {
        return false;
    }

    @Override
    public CompletionStage<Link> connect(MeshAddress address) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("LoRa transport " + id
                + " is a broadcast medium: its channel link is offered when the radio is up"));
    }

    @Override
    public synchronized void start(TransportContext newContext) throws TransportException {
        if (context != null) {
            throw new TransportException("LoRa transport " + id + " is already started");
        }
        context = newContext;
        newContext.localAddressesChanged(List.of(settings.channelAddress()));
        openModem();
    }

    @Override
    public void stop() {
        synchronized (this) {
            if (context == null) {
                return;
            }
            shutDown("LoRa transport " + id + " stopped");
            context = null;
        }
    }

    private void openModem() {
        TransportContext ctx = context;
        LoRaModem created = modems.create(ctx.scheduler());
        modem = created;
        created.open(new LoRaModem.Events() {
            @Override
            public void ready(String detail) {
                modemReady(created, detail);
            }

            @Override
            public void received(byte[] frame) {
                RadioLink current = currentLink(created);
                if (current != null) {
                    current.deliver(frame);
                }
            }

            @Override
            public void failed(String reason) {
                modemFailed(created, reason);
            }
        });
    }

    private synchronized RadioLink currentLink(LoRaModem from) {
        return modem == from ? link : null;
    }

    private synchronized void modemReady(LoRaModem from, String detail) {
        if (modem != from || context == null) {
            return;
        }
        TransportContext ctx = context;
        RadioLink created = new RadioLink(settings.channelAddress(), LinkMode.BROADCAST, LoRaSettings.MTU,
                ctx.scheduler(), this::submit, HEARD_BUFFER);
        outbox = new RadioOutbox(ctx.scheduler(), new RadioOutbox.Radio() {
            @Override
            public long airtimeNanos(int frameBytes) {
                return settings.modulation.airtimeNanos(frameBytes);
            }

            @Override
            public CompletionStage<Void> transmit(byte[] frame) {
                return from.transmit(frame);
            }
        }, new DutyCycleLedger(settings.dutyCycle), settings.queueLimit, (throttled, why) -> throttled(from,
                throttled, why));
        link = created;
        ctx.stateChanged(TransportState.ACTIVE, detail);
        ctx.incomingLink(created);
    }

    private synchronized void throttled(LoRaModem from, boolean throttled, String detail) {
        if (modem == from && context != null) {
            context.stateChanged(throttled ? TransportState.DEGRADED : TransportState.ACTIVE, detail);
        }
    }

    private synchronized void modemFailed(LoRaModem from, String reason) {
        if (modem != from || context == null) {
            return;
        }
        shutDown(reason);
        TransportContext ctx = context;
        ctx.stateChanged(TransportState.UNAVAILABLE, reason + "; retrying every " + settings.retryInterval.toSeconds()
                + " s");
        retry = ctx.scheduler().schedule(this::retry, settings.retryInterval);
    }

    private synchronized void retry() {
        retry = null;
        if (context != null && modem == null) {
            openModem();
        }
    }

    private CompletionStage<Void> submit(byte[] frame) {
        RadioOutbox current;
        synchronized (this) {
            current = outbox;
        }
        if (current == null) {
            return CompletableFuture.failedFuture(new TransportException("LoRa transport " + id + " is not on air"));
        }
        return current.submit(frame);
    }

    /** @return frames waiting for airtime or duty-cycle budget (for tests and status) */
    synchronized int queued() {
        return outbox == null ? 0 : outbox.queued();
    }

    private void shutDown(String reason) {
        if (retry != null) {
            retry.cancel();
            retry = null;
        }
        if (outbox != null) {
            outbox.close(reason);
            outbox = null;
        }
        if (link != null) {
            link.closeWith(RadioLink.because(reason));
            link = null;
        }
        if (modem != null) {
            modem.close();
            modem = null;
        }
    }

}
