package org.sovereignmesh.transport.sim.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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
import org.sovereignmesh.transport.sim.RadioMedium;
import org.sovereignmesh.transport.sim.RadioStation;
import org.sovereignmesh.transport.sim.StationSpec;

/**
 * A node's radio on a simulated {@link RadioMedium}: one {@link RadioLink} to the channel, offered when the
 * transport starts. Its channel address is {@code /sim/<medium>}, its own {@code /sim/<medium>/node/<station>}.
 * Frames go out one at a time within the station's duty-cycle budget, queueing (bounded) while it is used up; the
 * transport reports DEGRADED meanwhile. The medium may come and go (OSGi): without it the transport is UNAVAILABLE.
 */
public final class SimRadioTransport implements Transport {
    public static final String PROTOCOL = "sim";
    static final int HEARD_BUFFER = 64;

    private final String id;
    private final String mediumName;
    private final StationSpec spec;
    private final int mtu;
    private final int queueLimit;
    private final TransportProfile profile;

    // guarded by this
    private RadioMedium medium;
    private TransportContext context;
    private RadioStation station;
    private RadioOutbox outbox;
    private RadioLink link;

    public SimRadioTransport(String id, String mediumName, StationSpec spec, int mtu, int queueLimit) {
        MeshAddress.of(PROTOCOL, mediumName).with("node", spec.name()); // validates the names
        this.id = id;
        this.mediumName = mediumName;
        this.spec = spec;
        this.mtu = mtu;
        this.queueLimit = queueLimit;
        long fullFrameNanos = Math.max(1, spec.airtime().airtimeNanos(mtu));
        this.profile = TransportProfile.builder().duplex(false).broadcast(true).lossy(true).mtu(mtu)
                .bitrate(Math.max(1, Math.round(mtu * 8.0 * 1e9 / fullFrameNanos)))
                .latency(Duration.ofNanos(Math.max(1_000_000, spec.airtime().airtimeNanos(1))))
                .dutyCycle(spec.dutyCycle()).build();
    }

    /** A transport on {@code medium} from the start (plain Java, simulator). */
    public static SimRadioTransport on(RadioMedium medium, String id, StationSpec spec, int mtu, int queueLimit) {
        SimRadioTransport t = new SimRadioTransport(id, medium.name(), spec, mtu, queueLimit);
        t.mediumAvailable(medium);
        return t;
    }

    public MeshAddress channelAddress() {
        return MeshAddress.of(PROTOCOL, mediumName);
    }

    public MeshAddress localAddress() {
        return channelAddress().with("node", spec.name());
    }

    public String mediumName() {
        return mediumName;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public TransportProfile profile() {
        return profile;
    }

    /** Links are offered by the medium, never opened on demand. */
    @Override
    public boolean supports(MeshAddress address) {
        return false;
    }

    @Override
    public synchronized void start(TransportContext newContext) throws TransportException {
        if (context != null) {
            throw new TransportException("simulated radio " + id + " is already started");
        }
        context = newContext;
        newContext.localAddressesChanged(List.of(localAddress()));
        if (medium != null) {
            attach();
        } else {
            newContext.stateChanged(TransportState.UNAVAILABLE, "no simulated medium named '" + mediumName + "'");
        }
    }

    @Override
    public void stop() {
        synchronized (this) {
            if (context == null) {
                return;
            }
            detach("transport " + id + " stopped");
            context = null;
        }
    }

    @Override
    public CompletionStage<Link> connect(MeshAddress address) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("simulated radio " + id
                + " is a broadcast medium: its channel link is offered when it starts"));
    }

    /** The medium named by the configuration appeared (or was given in plain Java). */
    public synchronized void mediumAvailable(RadioMedium appeared) {
        if (!appeared.name().equals(mediumName) || medium != null) {
            return;
        }
        medium = appeared;
        if (context != null) {
            attach();
        }
    }

    /** The medium went away: the link closes and the transport waits for it. */
    public synchronized void mediumGone(RadioMedium gone) {
        if (medium != gone) {
            return;
        }
        if (context != null) {
            detach("simulated medium '" + mediumName + "' went away");
            context.stateChanged(TransportState.UNAVAILABLE, "no simulated medium named '" + mediumName + "'");
        }
        medium = null;
    }

    private void attach() {
        TransportContext ctx = context;
        RadioLink created = new RadioLink(channelAddress(), LinkMode.BROADCAST, mtu, ctx.scheduler(), this::submit, HEARD_BUFFER);
        station = medium.join(spec, created::deliver);
        RadioStation joined = station;
        outbox = new RadioOutbox(ctx.scheduler(), new RadioOutbox.Radio() {
            @Override
            public long airtimeNanos(int frameBytes) {
                return spec.airtime().airtimeNanos(frameBytes);
            }

            @Override
            public CompletionStage<Void> transmit(byte[] frame) {
                return joined.transmit(frame);
            }
        }, new DutyCycleLedger(spec.dutyCycle()), queueLimit, (throttled, detail) -> ctx.stateChanged(
                throttled ? TransportState.DEGRADED : TransportState.ACTIVE, detail));
        link = created;
        ctx.stateChanged(TransportState.ACTIVE, "");
        ctx.incomingLink(created);
    }

    private CompletionStage<Void> submit(byte[] frame) {
        RadioOutbox current;
        synchronized (this) {
            current = outbox;
        }
        if (current == null) {
            return CompletableFuture.failedFuture(new TransportException("simulated radio " + id + " is not on air"));
        }
        return current.submit(frame);
    }

    private void detach(String reason) {
        if (station != null) {
            station.leave();
            outbox.close(reason);
            link.closeWith(RadioLink.because(reason));
            station = null;
            outbox = null;
            link = null;
        }
    }
}
