package org.sovereignmesh.transport.netty.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.sovereignmesh.api.time.Cancellable;
import org.sovereignmesh.api.time.Scheduler;

/**
 * Timing of a transport's links on the node's {@link Scheduler}: closes links that stay silent, that never deliver a
 * first frame, or that start a frame and never finish it (slowloris), and sends keepalives on links that have sent
 * nothing for a while. One periodic sweep per transport; every check reads times the links record as bytes move.
 */
public final class LinkWatchdog {

    /** What the watchdog needs to know about a link. Times are {@link Scheduler#nanoTime()} values. */
    public interface Watched {
        long openedNanos();

        long lastReadNanos();

        long lastWriteNanos();

        /** @return when the first byte of a frame not yet complete arrived, or -1 */
        long partialSinceNanos();

        /** @return whether a whole frame (or keepalive) ever arrived */
        boolean framed();

        /** Close the link, with the reason as its cause. */
        void timedOut(String reason);

        /** Send a keepalive that the other end discards. */
        void keepalive();
    }

    private final Scheduler scheduler;
    private final TransportSettings settings;
    private final Set<Watched> links = ConcurrentHashMap.newKeySet();
    private Cancellable sweeping;

    public LinkWatchdog(Scheduler scheduler, TransportSettings settings) {
        this.scheduler = scheduler;
        this.settings = settings;
    }

    /** @return how often the watchdog looks: a quarter of the shortest timeout, at most once a second */
    Duration period() {
        Duration shortest = settings.keepaliveInterval;
        for (Duration d : new Duration[] {settings.idleTimeout, settings.firstFrameTimeout, settings.partialFrameTimeout}) {
            if (d.compareTo(shortest) < 0) {
                shortest = d;
            }
        }
        Duration quarter = shortest.dividedBy(4);
        Duration second = Duration.ofSeconds(1);
        return quarter.compareTo(second) < 0 ? quarter : second;
    }

    public synchronized void start() {
        if (sweeping == null) {
            long period = Math.max(1, period().toNanos());
            sweeping = scheduler.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.NANOSECONDS);
        }
    }

    public synchronized void stop() {
        if (sweeping != null) {
            sweeping.cancel();
            sweeping = null;
        }
        links.clear();
    }

    public void watch(Watched link) {
        links.add(link);
    }

    public void unwatch(Watched link) {
        links.remove(link);
    }

    public int size() {
        return links.size();
    }

    /** Checks every link once; runs on the scheduler. */
    void sweep() {
        long now = scheduler.nanoTime();
        for (Watched link : links) {
            String reason = verdict(link, now);
            if (reason != null) {
                links.remove(link);
                link.timedOut(reason);
            } else if (now - link.lastWriteNanos() >= settings.keepaliveInterval.toNanos()) {
                link.keepalive();
            }
        }
    }

    private String verdict(Watched link, long now) {
        if (!link.framed() && now - link.openedNanos() >= settings.firstFrameTimeout.toNanos()) {
            return "no frame within " + seconds(settings.firstFrameTimeout) + " of connecting";
        }
        long partial = link.partialSinceNanos();
        if (partial >= 0 && now - partial >= settings.partialFrameTimeout.toNanos()) {
            return "a frame was started but not completed within " + seconds(settings.partialFrameTimeout)
                    + " (stalled or slowloris peer)";
        }
        if (now - link.lastReadNanos() >= settings.idleTimeout.toNanos()) {
            return "nothing received for " + seconds(settings.idleTimeout);
        }
        return null;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
    }
}
