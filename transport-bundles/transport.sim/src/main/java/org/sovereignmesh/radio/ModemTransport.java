package org.sovereignmesh.radio;

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

/**
 * A broadcast transport driven by a {@link Modem}: one {@link RadioLink} to the channel, offered once the modem is
 * ready. Frames go out one at a time through a {@link RadioOutbox}, each within the sliding one-hour duty-cycle
 * budget of its airtime; while the budget is used up frames queue (bounded) and the transport reports DEGRADED. A
 * modem that is absent, silent or fails makes the transport UNAVAILABLE with the reason, and it tries again every
 * retry interval. LoRa and the audio modem are this with their own modems and airtime.
 *
 * <p>Not an API: radio transports embed this package.
 */
public abstract class ModemTransport implements Transport {
    /** Frames kept while the channel link is not started. */
    public static final int HEARD_BUFFER = 64;

    private final String id;
    private final String kind;
    private final MeshAddress channel;
    private final TransportProfile profile;
    private final double dutyCycle;
    private final int queueLimit;
    private final Duration retryInterval;

    // guarded by this
    private TransportContext context;
    private Modem modem;
    private RadioOutbox outbox;
    private RadioLink link;
    private Cancellable retry;

    /**
     * @param kind    what the transport is called in messages, e.g. {@code "LoRa"}
     * @param channel the channel's address, reported as the local address and the link's remote address
     */
    protected ModemTransport(String id, String kind, MeshAddress channel, TransportProfile profile, double dutyCycle,
            int queueLimit, Duration retryInterval) {
        this.id = id;
        this.kind = kind;
        this.channel = channel;
        this.profile = profile;
        this.dutyCycle = dutyCycle;
        this.queueLimit = queueLimit;
        this.retryInterval = retryInterval;
    }

    /** @return the modem for one start (the scheduler is the node's) */
    protected abstract Modem createModem(Scheduler scheduler);

    /** @return nanoseconds on air for a frame of {@code frameBytes} */
    protected abstract long airtimeNanos(int frameBytes);

    @Override
    public String id() {
        return id;
    }

    @Override
    public TransportProfile profile() {
        return profile;
    }

    /** The channel link is offered when the modem is up; nothing to connect to on demand. */
    @Override
    public boolean supports(MeshAddress address) {
        return false;
    }

    @Override
    public CompletionStage<Link> connect(MeshAddress address) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(kind + " transport " + id
                + " is a broadcast medium: its channel link is offered when the " + kind + " device is up"));
    }

    @Override
    public synchronized void start(TransportContext newContext) throws TransportException {
        if (context != null) {
            throw new TransportException(kind + " transport " + id + " is already started");
        }
        context = newContext;
        newContext.localAddressesChanged(List.of(channel));
        openModem();
    }

    @Override
    public synchronized void stop() {
        if (context == null) {
            return;
        }
        shutDown(kind + " transport " + id + " stopped");
        context = null;
    }

    private void openModem() {
        Modem created = createModem(context.scheduler());
        modem = created;
        created.open(new Modem.Events() {
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

    private synchronized RadioLink currentLink(Modem from) {
        return modem == from ? link : null;
    }

    private synchronized void modemReady(Modem from, String detail) {
        if (modem != from || context == null || link != null) {
            return;
        }
        TransportContext ctx = context;
        RadioLink created = new RadioLink(channel, LinkMode.BROADCAST, profile.mtu(), ctx.scheduler(), this::submit,
                HEARD_BUFFER);
        outbox = new RadioOutbox(ctx.scheduler(), new RadioOutbox.Radio() {
            @Override
            public long airtimeNanos(int frameBytes) {
                return ModemTransport.this.airtimeNanos(frameBytes);
            }

            @Override
            public CompletionStage<Void> transmit(byte[] frame) {
                return from.transmit(frame);
            }
        }, new DutyCycleLedger(dutyCycle), queueLimit, (throttled, why) -> throttled(from, throttled, why));
        link = created;
        ctx.stateChanged(TransportState.ACTIVE, detail);
        ctx.incomingLink(created);
    }

    private synchronized void throttled(Modem from, boolean throttled, String detail) {
        if (modem == from && context != null) {
            context.stateChanged(throttled ? TransportState.DEGRADED : TransportState.ACTIVE, detail);
        }
    }

    private synchronized void modemFailed(Modem from, String reason) {
        if (modem != from || context == null) {
            return;
        }
        shutDown(reason);
        TransportContext ctx = context;
        ctx.stateChanged(TransportState.UNAVAILABLE, reason + "; retrying every " + retryInterval.toSeconds() + " s");
        retry = ctx.scheduler().schedule(this::retry, retryInterval);
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
            return CompletableFuture.failedFuture(new TransportException(kind + " transport " + id + " is not on air"));
        }
        return current.submit(frame);
    }

    /** @return frames waiting for airtime or duty-cycle budget (for tests and status) */
    public synchronized int queued() {
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
