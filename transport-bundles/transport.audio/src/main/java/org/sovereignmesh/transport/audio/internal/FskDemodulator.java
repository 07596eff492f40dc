package org.sovereignmesh.transport.audio.internal;

/**
 * Turns samples back into bytes, as a stream: feed it samples in blocks of any size and it reports each 8N1
 * character it recovers.
 *
 * <p>Non-coherent detection: the input is mixed down at the mark and at the space frequency and each product summed
 * over a sliding window one bit long (a sliding DFT at the two tones), so {@code |mark|^2 - |space|^2} says which
 * tone dominates the last bit's worth of samples, whatever the phase. Normalised by their sum it lies in [-1, 1]
 * and does not depend on the level. A UART then waits for the line to sit at mark for half a bit and drop to space
 * (the start bit), places the bit clock on that edge (the filtered edge lags the real one by half a window; the
 * zero crossing is interpolated between samples), takes each bit where the window covers exactly that bit, and
 * accepts the character only if its stop bit is mark. Every character re-times the clock, so sender and receiver
 * rates may differ by a few per cent. Not thread-safe: one thread feeds it.
 */
public final class FskDemodulator {

    /** Where recovered characters go. */
    @FunctionalInterface
    public interface ByteSink {
        void byteReceived(int value);

        /** No character for two character times since the last one: whatever was in progress has ended. */
        default void idle() {
        }
    }

    private static final int RENORMALISE_EVERY = 4096;

    private final FskParameters p;
    private final ByteSink sink;
    private final double spb;
    private final int window;
    private final double markCos;
    private final double markSin;
    private final double spaceCos;
    private final double spaceSin;
    private final double[] ring;
    private int ringPos;

    private double markRe = 1;
    private double markIm;
    private double spaceRe = 1;
    private double spaceIm;
    private double mSumRe;
    private double mSumIm;
    private double sSumRe;
    private double sSumIm;

    private long n;
    private boolean receiving;
    private int markRun;
    private double previous;
    private double edge;
    private int bit;
    private long nextDecision;
    private int value;
    private long characters;
    private long sinceCharacter;
    private boolean idleReported = true;
    private long framingErrors;

    public FskDemodulator(FskParameters parameters, ByteSink sink) {
        this.p = parameters;
        this.sink = sink;
        this.spb = parameters.samplesPerBit();
        this.window = (int) Math.round(spb);
        double wm = 2 * Math.PI * parameters.markHz() / parameters.sampleRate();
        double ws = 2 * Math.PI * parameters.spaceHz() / parameters.sampleRate();
        this.markCos = Math.cos(wm);
        this.markSin = Math.sin(wm);
        this.spaceCos = Math.cos(ws);
        this.spaceSin = Math.sin(ws);
        this.ring = new double[window * 4];
    }

    public FskParameters parameters() {
        return p;
    }

    /** Processes {@code length} samples from {@code samples[offset]}. */
    public void feed(float[] samples, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            process(samples[i]);
        }
    }

    public void feed(float[] samples) {
        feed(samples, 0, samples.length);
    }

    /** Forgets the line's state (the end of a recording): a character in progress is dropped. */
    public void reset() {
        receiving = false;
        idleReported = true;
        markRun = 0;
        previous = 0;
        java.util.Arrays.fill(ring, 0);
        mSumRe = mSumIm = sSumRe = sSumIm = 0;
    }

    /** @return characters recovered so far */
    public long characters() {
        return characters;
    }

    /** @return characters dropped because their stop bit was not mark */
    public long framingErrors() {
        return framingErrors;
    }

    private void process(float x) {
        // mix down: x * conj(phasor) at both tones, windowed sums over one bit
        int at = ringPos * 4;
        double pmRe = x * markRe;
        double pmIm = -x * markIm;
        double psRe = x * spaceRe;
        double psIm = -x * spaceIm;
        mSumRe += pmRe - ring[at];
        mSumIm += pmIm - ring[at + 1];
        sSumRe += psRe - ring[at + 2];
        sSumIm += psIm - ring[at + 3];
        ring[at] = pmRe;
        ring[at + 1] = pmIm;
        ring[at + 2] = psRe;
        ring[at + 3] = psIm;
        ringPos = ringPos + 1 == window ? 0 : ringPos + 1;
        double r = markRe * markCos - markIm * markSin;
        markIm = markIm * markCos + markRe * markSin;
        markRe = r;
        r = spaceRe * spaceCos - spaceIm * spaceSin;
        spaceIm = spaceIm * spaceCos + spaceRe * spaceSin;
        spaceRe = r;
        if ((n & (RENORMALISE_EVERY - 1)) == 0) {
            renormalise();
        }

        double mark = mSumRe * mSumRe + mSumIm * mSumIm;
        double space = sSumRe * sSumRe + sSumIm * sSumIm;
        double total = mark + space;
        double d = total > 1e-12 ? (mark - space) / total : 0;
        uart(d);
        previous = d;
        if (!idleReported && ++sinceCharacter > 20 * spb) {
            idleReported = true;
            sink.idle();
        }
        n++;
    }

    private void uart(double d) {
        if (!receiving) {
            if (d > 0) {
                markRun++;
                return;
            }
            if (markRun >= window / 2 && previous > 0) {
                double crossing = (n - 1) + previous / (previous - d);
                edge = crossing - window / 2.0 + 1;
                bit = 0;
                value = 0;
                receiving = true;
                nextDecision = Math.max(n, decisionSample(0));
            }
            markRun = 0;
            return;
        }
        if (n < nextDecision) {
            return;
        }
        if (bit == 0) {
            if (d >= 0) {
                receiving = false;
                markRun = 1;
                return;
            }
        } else if (bit <= 8) {
            if (d > 0) {
                value |= 1 << (bit - 1);
            }
        } else {
            receiving = false;
            if (d > 0) {
                characters++;
                sinceCharacter = 0;
                idleReported = false;
                markRun = window / 2;
                sink.byteReceived(value);
            } else {
                framingErrors++;
                markRun = 0;
            }
            return;
        }
        bit++;
        nextDecision = Math.max(n + 1, decisionSample(bit));
    }

    /** The sample at which the window covers exactly bit {@code k} of the character whose start edge is {@code edge}. */
    private long decisionSample(int k) {
        return Math.round(edge + (k + 1) * spb) - 1;
    }

    private void renormalise() {
        double m = Math.hypot(markRe, markIm);
        markRe /= m;
        markIm /= m;
        double s = Math.hypot(spaceRe, spaceIm);
        spaceRe /= s;
        spaceIm /= s;
        // rebuild the window sums from the ring so rounding errors never accumulate
        mSumRe = mSumIm = sSumRe = sSumIm = 0;
        for (int i = 0; i < window; i++) {
            mSumRe += ring[i * 4];
            mSumIm += ring[i * 4 + 1];
            sSumRe += ring[i * 4 + 2];
            sSumIm += ring[i * 4 + 3];
        }
    }
}
