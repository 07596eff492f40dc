package org.sovereignmesh.transport.satellite.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

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

/**
 * Iridium SBD as a transport: one link from this modem ({@code /iridium/<imei>}) to the Iridium gateway
 * ({@code /iridium/gss}), behind which a ground station or another modem receives. Each frame is one SBD message:
 * uploaded with SBDWB, sent in an SBDIX session, the MO buffer cleared once the gateway took it. Failed sessions
 * are retried with exponential backoff up to a number of attempts; ring alerts, queued MT messages and a periodic
 * mailbox check trigger downloads. Sessions cost money: at most a configured number per day, after which frames
 * wait (bounded) and the transport reports DEGRADED. All state lives on the node's scheduler.
 */
public final class SatelliteTransport implements Transport {
    public static final String PROTOCOL = "iridium";
    static final MeshAddress GATEWAY = MeshAddress.of(PROTOCOL, "gss");
    static final Duration TYPICAL_LATENCY = Duration.ofSeconds(20);
    private static final long DAY_NANOS = TimeUnit.DAYS.toNanos(1);

    private final String id;
    private final SatelliteSettings settings;
    private final DriverFactory drivers;
    private final TransportProfile profile;

    private volatile TransportContext context;
    // scheduler-confined
    private volatile Scheduler scheduler;
    private SbdDriver driver;
    private boolean ready;
    private RadioLink link;
    private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
    private final ArrayDeque<Long> sessions = new ArrayDeque<>();
    private boolean busy;
    private boolean moLoaded;
    /** Failed sessions in a row that carried no message (mailbox checks), for their backoff. */
    private int mailboxFailures;
    private boolean mailboxPending;
    /** The modem holds an MT message whose download failed; read it again before the next session overwrites it. */
    private boolean mtUnread;
    private boolean answerRing;
    private Cancellable wakeUp;
    private Cancellable mailboxTimer;
    private Cancellable reconnect;
    private String degradedBecause;

    /** Makes the driver for one start, on the node's scheduler. */
    @FunctionalInterface
    interface DriverFactory {
        SbdDriver create(Scheduler scheduler);
    }

    SatelliteTransport(String id, SatelliteSettings settings, DriverFactory drivers) {
        this.id = id;
        this.settings = settings;
        this.drivers = drivers;
        this.profile = TransportProfile.builder().duplex(false).broadcast(false).lossy(false).mtu(settings.mtu)
                .bitrate(Math.max(1, settings.mtu * 8L / TYPICAL_LATENCY.toSeconds())).latency(TYPICAL_LATENCY)
                .cost(1000).build();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public TransportProfile profile() {
        return profile;
    }

    /** The one link, to the gateway, is offered by the transport; nothing to connect to on demand. */
    @Override
    public boolean supports(MeshAddress address) {
        return false;
    }

    @Override
    public CompletionStage<Link> connect(MeshAddress address) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("satellite transport " + id
                + " has one link, to the Iridium gateway, offered when the modem is up"));
    }

    @Override
    public synchronized void start(TransportContext newContext) throws TransportException {
        if (context != null) {
            throw new TransportException("satellite transport " + id + " is already started");
        }
        context = newContext;
        scheduler = newContext.scheduler();
        scheduler.execute(() -> openDriver(newContext));
    }

    @Override
    public void stop() {
        TransportContext stopping;
        synchronized (this) {
            stopping = context;
            if (stopping == null) {
                return;
            }
            context = null;
        }
        Scheduler s = stopping.scheduler();
        s.execute(() -> shutDown("satellite transport " + id + " stopped"));
    }

    private boolean current(TransportContext ctx) {
        return ctx != null && ctx == context;
    }

    private void openDriver(TransportContext ctx) {
        if (!current(ctx) || driver != null) {
            return;
        }
        SbdDriver d = drivers.create(scheduler);
        driver = d;
        d.onRing(() -> {
            if (driver == d) {
                mailboxPending = true;
                answerRing = true;
                pump();
            }
        });
        d.onFailure(reason -> driverFailed(ctx, d, reason));
        d.open().whenComplete((imei, error) -> scheduler.execute(() -> {
            if (error != null) {
                driverFailed(ctx, d, unwrap(error).getMessage());
            } else {
                opened(ctx, d, imei);
            }
        }));
    }

    private void opened(TransportContext ctx, SbdDriver d, String imei) {
        if (!current(ctx) || driver != d) {
            return;
        }
        ready = true;
        ctx.localAddressesChanged(List.of(MeshAddress.of(PROTOCOL, imei)));
        ctx.stateChanged(TransportState.ACTIVE, d.describe() + ", IMEI " + imei);
        offerLink(ctx);
        if (!settings.mailboxCheckInterval.isZero()) {
            long period = settings.mailboxCheckInterval.toNanos();
            mailboxTimer = scheduler.scheduleAtFixedRate(() -> {
                mailboxPending = true;
                pump();
            }, period, period, TimeUnit.NANOSECONDS);
        }
        pump();
    }

    private RadioLink offerLink(TransportContext ctx) {
        RadioLink created = new RadioLink(GATEWAY, LinkMode.DUPLEX, settings.mtu, scheduler, this::submit, 16);
        created.onClose(() -> scheduler.execute(() -> {
            if (link == created) {
                link = null;
            }
        }));
        link = created;
        ctx.incomingLink(created);
        return created;
    }

    private CompletionStage<Void> submit(byte[] frame) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Scheduler s = scheduler;
        s.execute(() -> {
            if (!ready) {
                done.completeExceptionally(new TransportException("satellite transport " + id + " has no modem"));
            } else if (queue.size() >= settings.queueLimit) {
                done.completeExceptionally(new TransportException("satellite queue full (" + settings.queueLimit
                        + " messages)" + (degradedBecause == null ? "" : ": " + degradedBecause)));
            } else {
                queue.addLast(new Outgoing(frame, done));
                pump();
            }
        });
        return done;
    }

    private void pump() {
        TransportContext ctx = context;
        if (ctx == null || !ready || busy || wakeUp != null) {
            return;
        }
        SbdDriver d = driver;
        if (mtUnread) {
            busy = true;
            d.readMessage().whenComplete((message, error) -> scheduler.execute(() -> {
                if (driver != d) {
                    return;
                }
                busy = false;
                if (error != null) {
                    attemptFailed(ctx, unwrap(error).getMessage(), null);
                } else {
                    mtUnread = false;
                    mailboxFailures = 0;
                    undegrade(ctx);
                    deliverLater(message);
                    pump();
                }
            }));
            return;
        }
        if (queue.isEmpty() && !mailboxPending) {
            return;
        }
        long now = scheduler.nanoTime();
        while (!sessions.isEmpty() && sessions.peekFirst() + DAY_NANOS <= now) {
            sessions.pollFirst();
        }
        if (sessions.size() >= settings.maxSessionsPerDay) {
            long wait = sessions.peekFirst() + DAY_NANOS - now;
            degrade(ctx, "session budget of " + settings.maxSessionsPerDay + " per day used up; next session in "
                    + Duration.ofNanos(wait).toMinutes() + " min");
            wakeUp = scheduler.schedule(this::wake, wait, TimeUnit.NANOSECONDS);
            return;
        }
        busy = true;
        sessions.addLast(now);
        boolean ring = answerRing;
        answerRing = false;
        mailboxPending = false;
        Outgoing head = queue.peekFirst();
        CompletionStage<SbdDriver.SessionResult> session;
        if (head != null && !moLoaded) {
            session = d.writeMessage(head.frame).thenCompose(ok -> {
                moLoaded = true;
                return d.session(ring);
            });
        } else {
            session = d.session(ring);
        }
        session.whenComplete((result, error) -> scheduler.execute(() -> sessionDone(ctx, d, head, result, error)));
    }

    private void sessionDone(TransportContext ctx, SbdDriver d, Outgoing carried, SbdDriver.SessionResult result,
            Throwable error) {
        if (!current(ctx) || driver != d) {
            return;
        }
        busy = false;
        if (error != null) {
            mailboxPending |= carried == null;
            attemptFailed(ctx, unwrap(error).getMessage(), carried);
            return;
        }
        if (!result.moSucceeded()) {
            mailboxPending |= carried == null;
            attemptFailed(ctx, "session failed: " + result.moText() + " (MO status " + result.moStatus + ")",
                    carried);
            return;
        }
        mailboxFailures = 0;
        undegrade(ctx);
        CompletionStage<?> after = CompletableFuture.completedFuture(null);
        if (moLoaded) {
            Outgoing sent = queue.pollFirst();
            moLoaded = false;
            sent.done.complete(null);
            // the MO buffer keeps the message after a session; clear it so a mailbox check does not send it again
            after = d.clearOutgoing();
        }
        if (result.mtStatus == 1) {
            mtUnread = true;
            after = after.thenCompose(ok -> d.readMessage()).thenAccept(message -> {
                mtUnread = false;
                deliverLater(message);
            });
        }
        mailboxPending |= result.mtQueued > 0 || result.mtStatus == 2;
        busy = true;
        after.whenComplete((ok, e) -> scheduler.execute(() -> {
            if (driver != d) {
                return;
            }
            busy = false;
            if (e != null) {
                attemptFailed(ctx, unwrap(e).getMessage(), null);
            } else {
                pump();
            }
        }));
    }

    private void deliverLater(byte[] message) {
        scheduler.execute(() -> {
            TransportContext ctx = context;
            if (ctx == null) {
                return;
            }
            RadioLink target = link;
            if (target == null || target.isClosed()) {
                // the node closed the gateway link earlier; new traffic opens a new one
                target = offerLink(ctx);
            }
            target.deliver(message);
        });
    }

    /** A session or exchange failed; {@code carried} is the message it was sending, if any. */
    private void attemptFailed(TransportContext ctx, String reason, Outgoing carried) {
        int failures;
        if (carried != null) {
            failures = ++carried.attempts;
            if (carried.attempts >= settings.maxAttempts && queue.peekFirst() == carried) {
                queue.pollFirst();
                carried.done.completeExceptionally(new TransportException("gave up after " + settings.maxAttempts
                        + " satellite sessions: " + reason));
                if (moLoaded) {
                    moLoaded = false;
                    driver.clearOutgoing();
                }
            }
        } else {
            failures = ++mailboxFailures;
        }
        Duration wait = settings.backoff(failures + 1);
        degrade(ctx, reason + "; next attempt in " + wait.toSeconds() + " s");
        wakeUp = scheduler.schedule(this::wake, wait);
    }

    private void wake() {
        wakeUp = null;
        pump();
    }

    private void degrade(TransportContext ctx, String reason) {
        degradedBecause = reason;
        ctx.stateChanged(TransportState.DEGRADED, reason);
    }

    private void undegrade(TransportContext ctx) {
        if (degradedBecause != null) {
            degradedBecause = null;
            ctx.stateChanged(TransportState.ACTIVE, driver.describe());
        }
    }

    private void driverFailed(TransportContext ctx, SbdDriver d, String reason) {
        if (!current(ctx) || driver != d) {
            return;
        }
        closeEverything(reason);
        ctx.stateChanged(TransportState.UNAVAILABLE, reason + "; retrying every "
                + settings.reconnectInterval.toSeconds() + " s");
        reconnect = scheduler.schedule(() -> {
            reconnect = null;
            openDriver(ctx);
        }, settings.reconnectInterval);
    }

    private void shutDown(String reason) {
        closeEverything(reason);
        if (reconnect != null) {
            reconnect.cancel();
            reconnect = null;
        }
    }

    private void closeEverything(String reason) {
        ready = false;
        busy = false;
        moLoaded = false;
        mailboxFailures = 0;
        mtUnread = false;
        for (Cancellable c : new Cancellable[] {wakeUp, mailboxTimer}) {
            if (c != null) {
                c.cancel();
            }
        }
        wakeUp = null;
        mailboxTimer = null;
        for (Outgoing o : queue) {
            o.done.completeExceptionally(new TransportException(reason));
        }
        queue.clear();
        if (link != null) {
            link.closeWith(RadioLink.because(reason));
            link = null;
        }
        if (driver != null) {
            driver.close();
            driver = null;
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private static final class Outgoing {
        final byte[] frame;
        final CompletableFuture<Void> done;
        int attempts;

        Outgoing(byte[] frame, CompletableFuture<Void> done) {
            this.frame = frame;
            this.done = done;
        }
    }
}
