package org.sovereignmesh.transport.audio.internal;

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
import org.sovereignmesh.radio.DutyCycleLedger;
import org.sovereignmesh.radio.RadioLink;
import org.sovereignmesh.radio.RadioOutbox;

/**
 * Sound as a broadcast transport: one {@link RadioLink} to the acoustic channel ({@code /audio/1200-2200/baud/1200}:
 * mark and space in Hz, then the baud rate), offered once the sound device is open. Everyone in earshot hears every
 * frame, so links are BROADCAST, half duplex and lossy; the core seals each packet and fragments to the MTU.
 * Frames go out one at a time through a bounded outbox; a frame's send completes when it has been played (or
 * written). A device that is absent or fails makes the transport UNAVAILABLE with the reason, and it tries again
 * every retry interval. Plain Java: the sound device comes from a factory, so tests use the in-memory
 * {@link AudioAir} or WAV folders.
 */
public final class AudioTransport implements Transport {
    static final int HEARD_BUFFER = 64;

    private final String id;
    private final Settings settings;
    private final PortFactory ports;
    private final AudioModem modem;
    private final TransportProfile profile;

    // guarded by this
    private TransportContext context;
    private AudioPort port;
    private RadioOutbox outbox;
    private RadioLink link;
    private Cancellable retry;

    /** Makes the sound device for one start (the scheduler is the node's). */
    @FunctionalInterface
    interface PortFactory {
        AudioPort create(Scheduler scheduler);
    }

    /** The modem and the link's limits. */
    record Settings(FskParameters modem, int mtu, int queueLimit, Duration retryInterval) {
        Settings {
            if (mtu < TransportProfile.MIN_MTU || mtu > AudioFraming.MAX_PAYLOAD) {
                throw new IllegalArgumentException("audio MTU must be " + TransportProfile.MIN_MTU + " to "
                        + AudioFraming.MAX_PAYLOAD + " bytes, got " + mtu);
            }
            if (queueLimit < 1) {
                throw new IllegalArgumentException("queue limit must be at least 1, got " + queueLimit);
            }
        }

        /** @return the channel: mark-space in Hz and baud, e.g. {@code /audio/1200-2200/baud/1200} */
        MeshAddress channelAddress() {
            return MeshAddress.of("audio", FskParameters.fmt(modem.markHz()) + "-" + FskParameters.fmt(modem.spaceHz()))
                    .with("baud", FskParameters.fmt(modem.baud()));
        }
    }

    AudioTransport(String id, Settings settings, PortFactory ports) {
        this.id = id;
        this.settings = settings;
        this.ports = ports;
        this.modem = new AudioModem(settings.modem());
        long fullFrame = modem.airtimeNanos(settings.mtu());
        this.profile = TransportProfile.builder().duplex(false).broadcast(true).lossy(true).mtu(settings.mtu())
                .bitrate(Math.max(1, Math.round(settings.mtu() * 8.0 * 1e9 / fullFrame)))
                .latency(Duration.ofNanos(modem.airtimeNanos(1))).cost(0).build();
    }

    /** An audio transport whose sound travels through {@code air} (tests, simulator). */
    public static AudioTransport onAir(String id, FskParameters parameters, int mtu, AudioAir air, String port) {
        return new AudioTransport(id, new Settings(parameters, mtu, 16, Duration.ofSeconds(10)),
                scheduler -> air.port(port));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public TransportProfile profile() {
        return profile;
    }

    /** The channel link is offered when the device opens; nothing to connect to on demand. */
    @Override
    public boolean supports(MeshAddress address) {
        return false;
    }

    @Override
    public CompletionStage<Link> connect(MeshAddress address) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("audio transport " + id
                + " is a broadcast medium: its channel link is offered when the sound device is open"));
    }

    @Override
    public synchronized void start(TransportContext newContext) throws TransportException {
        if (context != null) {
            throw new TransportException("audio transport " + id + " is already started");
        }
        context = newContext;
        newContext.localAddressesChanged(List.of(settings.channelAddress()));
        openPort();
    }

    @Override
    public synchronized void stop() {
        if (context == null) {
            return;
        }
        shutDown("audio transport " + id + " stopped");
        context = null;
    }

    private void openPort() {
        AudioPort created = ports.create(context.scheduler());
        port = created;
        AudioModem.Receiver receiver = modem.receiver(frame -> {
            RadioLink current = currentLink(created);
            if (current != null) {
                current.deliver(frame);
            }
        });
        created.open(new AudioPort.Events() {
            @Override
            public void ready(String detail) {
                portReady(created, detail);
            }

            @Override
            public void heard(float[] samples, int offset, int length) {
                receiver.feed(samples, offset, length);
            }

            @Override
            public void endOfRecording() {
                receiver.endOfRecording();
            }

            @Override
            public void failed(String reason) {
                portFailed(created, reason);
            }
        });
    }

    private synchronized RadioLink currentLink(AudioPort from) {
        return port == from ? link : null;
    }

    private synchronized void portReady(AudioPort from, String detail) {
        if (port != from || context == null || link != null) {
            return;
        }
        TransportContext ctx = context;
        RadioLink created = new RadioLink(settings.channelAddress(), LinkMode.BROADCAST, settings.mtu(),
                ctx.scheduler(), this::submit, HEARD_BUFFER);
        outbox = new RadioOutbox(ctx.scheduler(), new RadioOutbox.Radio() {
            @Override
            public long airtimeNanos(int frameBytes) {
                return modem.airtimeNanos(frameBytes);
            }

            @Override
            public CompletionStage<Void> transmit(byte[] frame) {
                return from.play(modem.modulate(frame));
            }
        }, new DutyCycleLedger(1.0), settings.queueLimit(), (throttled, why) -> { });
        link = created;
        ctx.stateChanged(TransportState.ACTIVE, settings.modem() + " on " + detail);
        ctx.incomingLink(created);
    }

    private synchronized void portFailed(AudioPort from, String reason) {
        if (port != from || context == null) {
            return;
        }
        shutDown(reason);
        TransportContext ctx = context;
        ctx.stateChanged(TransportState.UNAVAILABLE, reason + "; retrying every " + settings.retryInterval().toSeconds()
                + " s");
        retry = ctx.scheduler().schedule(this::retry, settings.retryInterval());
    }

    private synchronized void retry() {
        retry = null;
        if (context != null && port == null) {
            openPort();
        }
    }

    private CompletionStage<Void> submit(byte[] frame) {
        RadioOutbox current;
        synchronized (this) {
            current = outbox;
        }
        if (current == null) {
            return CompletableFuture.failedFuture(new TransportException("audio transport " + id + " has no sound device"));
        }
        return current.submit(frame);
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
        if (port != null) {
            port.close();
            port = null;
        }
    }
}
