package org.sovereignmesh.transport.sim.internal;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.radio.DutyCycleLedger;
import org.sovereignmesh.transport.sim.RadioMedium;
import org.sovereignmesh.transport.sim.RadioReceiver;
import org.sovereignmesh.transport.sim.RadioStation;
import org.sovereignmesh.transport.sim.StationSpec;

/**
 * A broadcast radio channel on a {@link Scheduler}. A transmission occupies the air for its airtime; every other
 * station within the sender's range receives it at the end unless, during that time, another transmission it can
 * hear overlapped (both are corrupted there: a collision), it was itself transmitting (half duplex), it left, or
 * the seeded random loss drops it. Station duty-cycle budgets are enforced: a transmission beyond the budget is
 * refused and counted as a violation. Every run with the same inputs and seed is identical.
 *
 * <p>Thread-safe: state changes happen under this object's lock, receivers are called on the scheduler without it.
 */
public final class SimMedium implements RadioMedium {
    private static final System.Logger LOG = System.getLogger(SimMedium.class.getName());

    private final String name;
    private final Scheduler scheduler;
    private final double lossProbability;
    private final Random random;
    private final Map<String, Station> stations = new LinkedHashMap<>();
    private final Stats stats = new Stats();

    /**
     * @param lossProbability chance in [0, 1) that an otherwise intact reception is lost (fading, noise)
     * @param seed            seeds the loss decisions, so runs repeat exactly
     */
    public SimMedium(String name, Scheduler scheduler, double lossProbability, long seed) {
        if (!(lossProbability >= 0.0 && lossProbability < 1.0)) {
            throw new IllegalArgumentException("loss probability must be in [0, 1), got " + lossProbability);
        }
        this.name = name;
        this.scheduler = scheduler;
        this.lossProbability = lossProbability;
        this.random = new Random(seed);
    }

    @Override
    public String name() {
        return name;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public synchronized RadioStation join(StationSpec spec, RadioReceiver receiver) {
        if (stations.containsKey(spec.name())) {
            throw new IllegalArgumentException("station " + spec.name() + " is already on medium " + name);
        }
        Station station = new Station(spec, receiver);
        stations.put(spec.name(), station);
        return station;
    }

    /** @return counters since the medium was created */
    public synchronized Stats stats() {
        return stats.copy();
    }

    /** @return whether {@code to} is in range of transmissions from {@code from} */
    public synchronized boolean hears(String to, String from) {
        Station a = stations.get(from);
        Station b = stations.get(to);
        return a != null && b != null && a != b && inRange(a, b);
    }

    private static boolean inRange(Station from, Station to) {
        double dx = from.spec.x() - to.spec.x();
        double dy = from.spec.y() - to.spec.y();
        return Math.sqrt(dx * dx + dy * dy) <= from.spec.range();
    }

    private void finish(Transmission tx) {
        List<Runnable> deliveries = new ArrayList<>();
        synchronized (this) {
            tx.from.transmitting = null;
            for (Reception r : tx.receptions) {
                r.to.receiving.remove(r);
                if (r.to.left) {
                    continue;
                }
                if (r.corrupted) {
                    stats.collisions++;
                } else if (lossProbability > 0 && random.nextDouble() < lossProbability) {
                    stats.lost++;
                } else {
                    stats.delivered++;
                    RadioReceiver receiver = r.to.receiver;
                    byte[] copy = tx.frame.clone();
                    deliveries.add(() -> receiver.received(copy));
                }
            }
        }
        for (Runnable delivery : deliveries) {
            try {
                delivery.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a receiver on medium " + name + " failed", e);
            }
        }
        tx.done.complete(null);
    }

    private final class Station implements RadioStation {
        private volatile StationSpec spec;
        private final RadioReceiver receiver;
        private final DutyCycleLedger ledger;
        private final List<Reception> receiving = new ArrayList<>();
        private Transmission transmitting;
        private boolean left;

        Station(StationSpec spec, RadioReceiver receiver) {
            this.spec = spec;
            this.receiver = receiver;
            this.ledger = new DutyCycleLedger(spec.dutyCycle());
        }

        @Override
        public StationSpec spec() {
            return spec;
        }

        @Override
        public CompletionStage<Void> transmit(byte[] frame) {
            synchronized (SimMedium.this) {
                if (left) {
                    return CompletableFuture.failedFuture(new TransportException("station " + spec.name()
                            + " has left medium " + name));
                }
                if (transmitting != null) {
                    return CompletableFuture.failedFuture(new TransportException("station " + spec.name()
                            + " is already transmitting"));
                }
                long now = scheduler.nanoTime();
                long airtime = spec.airtime().airtimeNanos(frame.length);
                if (!ledger.fits(now, airtime)) {
                    stats.dutyCycleViolations++;
                    return CompletableFuture.failedFuture(new TransportException("station " + spec.name()
                            + " would exceed its duty cycle of " + spec.dutyCycle() * 100 + " %"));
                }
                ledger.record(now, airtime);
                Transmission tx = new Transmission(this, frame.clone());
                transmitting = tx;
                stats.transmissions++;
                stats.airtimeNanos += airtime;
                // half duplex: what this station was hearing is lost
                for (Reception r : receiving) {
                    r.corrupted = true;
                }
                for (Station other : stations.values()) {
                    if (other == this || !inRange(this, other)) {
                        continue;
                    }
                    Reception reception = new Reception(other);
                    if (other.transmitting != null) {
                        reception.corrupted = true;
                    }
                    if (!other.receiving.isEmpty()) {
                        reception.corrupted = true;
                        for (Reception r : other.receiving) {
                            r.corrupted = true;
                        }
                    }
                    other.receiving.add(reception);
                    tx.receptions.add(reception);
                }
                scheduler.schedule(() -> finish(tx), airtime, TimeUnit.NANOSECONDS);
                return tx.done;
            }
        }

        @Override
        public long budgetWaitNanos(int frameBytes) {
            synchronized (SimMedium.this) {
                return ledger.waitNanos(scheduler.nanoTime(), spec.airtime().airtimeNanos(frameBytes));
            }
        }

        @Override
        public void moveTo(double x, double y) {
            synchronized (SimMedium.this) {
                spec = spec.at(x, y);
            }
        }

        @Override
        public void leave() {
            synchronized (SimMedium.this) {
                if (!left) {
                    left = true;
                    stations.remove(spec.name(), this);
                    if (transmitting != null) {
                        for (Reception r : transmitting.receptions) {
                            r.corrupted = true;
                        }
                    }
                }
            }
        }

        @Override
        public String toString() {
            return spec + " on " + name;
        }
    }

    private static final class Transmission {
        final Station from;
        final byte[] frame;
        final List<Reception> receptions = new ArrayList<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Transmission(Station from, byte[] frame) {
            this.from = from;
            this.frame = frame;
        }
    }

    private static final class Reception {
        final Station to;
        boolean corrupted;

        Reception(Station to) {
            this.to = to;
        }
    }

    /** What happened on the medium. */
    public static final class Stats {
        public long transmissions;
        public long airtimeNanos;
        public long delivered;
        public long collisions;
        public long lost;
        public long dutyCycleViolations;

        Stats copy() {
            Stats s = new Stats();
            s.transmissions = transmissions;
            s.airtimeNanos = airtimeNanos;
            s.delivered = delivered;
            s.collisions = collisions;
            s.lost = lost;
            s.dutyCycleViolations = dutyCycleViolations;
            return s;
        }

        @Override
        public String toString() {
            return "transmissions=" + transmissions + " delivered=" + delivered + " collisions=" + collisions
                    + " lost=" + lost + " dutyCycleViolations=" + dutyCycleViolations;
        }
    }
}
