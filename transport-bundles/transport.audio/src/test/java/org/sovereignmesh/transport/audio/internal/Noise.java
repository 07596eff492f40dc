package org.sovereignmesh.transport.audio.internal;

import java.util.Random;

/** White Gaussian noise at a signal-to-noise ratio measured over the whole band (0 to half the sample rate). */
final class Noise {
    private Noise() {
    }

    /** @return the noise standard deviation for a tone of peak {@code amplitude} at {@code snrDb} */
    static double sigma(double amplitude, double snrDb) {
        double signalPower = amplitude * amplitude / 2;
        return Math.sqrt(signalPower / Math.pow(10, snrDb / 10));
    }

    static void add(float[] samples, double sigma, Random random) {
        for (int i = 0; i < samples.length; i++) {
            samples[i] += (float) (random.nextGaussian() * sigma);
        }
    }

    /** @return Eb/N0 in dB for a full-band SNR at this modem's sample rate and baud */
    static double ebN0(FskParameters p, double snrDb) {
        return snrDb + 10 * Math.log10((p.sampleRate() / 2.0) / p.baud());
    }
}
