package org.sovereignmesh.transport.audio.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.TransportException;

/**
 * Sound in memory, on a {@link Scheduler}: the room in which the tests' and the simulator's audio modems hear each
 * other. Every sample a port plays is on air from its start time for its length; when a transmission ends, each other
 * port receives the sound since it last heard anything (at most {@value #GAP_SECONDS} s of the silence before):
 * the sum of every transmission it overlaps, plus white Gaussian noise at the air's level. Overlapping
 * transmissions mix, so they garble each other as in a room; a port hears nothing while it transmits itself (half
 * duplex). Deterministic for a seed. Thread-safe; delivery runs on the scheduler.
 */
public final class AudioAir {
    static final double GAP_SECONDS = 0.05;

    private final Scheduler scheduler;
    private final int sampleRate;
    private final double noiseSigma;
    private final Random random;
    private final List<Port> ports = new ArrayList<>();
    private final List<Transmission> onAir = new ArrayList<>();

    /**
     * @param noiseSigma standard deviation of the white noise added to everything heard (0: none); a tone of peak
     *                   amplitude A has SNR {@code (A^2/2) / sigma^2} over the whole band
     */
    public AudioAir(Scheduler scheduler, int sampleRate, double noiseSigma, long seed) {
        this.scheduler = scheduler;
        this.sampleRate = sampleRate;
        this.noiseSigma = noiseSigma;
        this.random = new Random(seed);
    }

    /** @return a port in this room, for an {@link AudioTransport} */
    AudioPort port(String name) {
        return new Port(name);
    }

    private long sampleNow() {
        return Math.floorDiv(scheduler.nanoTime() * sampleRate, 1_000_000_000L);
    }

    private synchronized void transmissionEnded(Transmission t) {
        long end = t.start + t.samples.length;
        for (Port receiver : ports) {
            if (receiver == t.from || receiver.events == null) {
                continue;
            }
            long from = Math.max(receiver.heardUntil, t.start - Math.round(GAP_SECONDS * sampleRate));
            if (from >= end) {
                continue;
            }
            float[] sound = new float[(int) (end - from)];
            for (Transmission other : onAir) {
                if (other.from == receiver) {
                    continue;
                }
                mix(sound, from, other);
            }
            for (Transmission own : onAir) {
                if (own.from == receiver) {
                    deafen(sound, from, own);
                }
            }
            if (noiseSigma > 0) {
                for (int i = 0; i < sound.length; i++) {
                    sound[i] += (float) (random.nextGaussian() * noiseSigma);
                }
            }
            receiver.heardUntil = end;
            receiver.events.heard(sound, 0, sound.length);
        }
        // a transmission is forgotten once every other port has heard all of it
        onAir.removeIf(o -> ports.stream().allMatch(r -> r == o.from || r.heardUntil >= o.start + o.samples.length));
    }

    private static void mix(float[] sound, long from, Transmission t) {
        long lo = Math.max(from, t.start);
        long hi = Math.min(from + sound.length, t.start + t.samples.length);
        for (long s = lo; s < hi; s++) {
            sound[(int) (s - from)] += t.samples[(int) (s - t.start)];
        }
    }

    private static void deafen(float[] sound, long from, Transmission t) {
        long lo = Math.max(from, t.start);
        long hi = Math.min(from + sound.length, t.start + t.samples.length);
        for (long s = lo; s < hi; s++) {
            sound[(int) (s - from)] = 0;
        }
    }

    private static final class Transmission {
        final Port from;
        final long start;
        final float[] samples;

        Transmission(Port from, long start, float[] samples) {
            this.from = from;
            this.start = start;
            this.samples = samples;
        }
    }

    private final class Port implements AudioPort {
        private final String name;
        // guarded by AudioAir.this
        private Events events;
        private long heardUntil;

        Port(String name) {
            this.name = name;
        }

        @Override
        public void open(Events newEvents) {
            synchronized (AudioAir.this) {
                events = newEvents;
                heardUntil = sampleNow();
                ports.add(this);
            }
            newEvents.ready(describe());
        }

        @Override
        public CompletionStage<Void> play(float[] samples) {
            Transmission t;
            synchronized (AudioAir.this) {
                if (events == null) {
                    return CompletableFuture.failedFuture(new TransportException(describe() + " is closed"));
                }
                t = new Transmission(this, sampleNow(), samples);
                onAir.add(t);
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            long endNanos = Math.floorDiv((t.start + samples.length) * 1_000_000_000L + sampleRate - 1, sampleRate);
            scheduler.schedule(() -> {
                transmissionEnded(t);
                done.complete(null);
            }, Math.max(0, endNanos - scheduler.nanoTime()), TimeUnit.NANOSECONDS);
            return done;
        }

        @Override
        public void close() {
            synchronized (AudioAir.this) {
                events = null;
                ports.remove(this);
            }
        }

        @Override
        public String describe() {
            return "in-memory air, port " + name;
        }
    }
}
