package org.sovereignmesh.transport.audio.internal;

/**
 * Turns bytes into samples: preamble of mark, each byte as an 8N1 character, trailer of mark; continuous-phase FSK
 * (the phase carries on across tone changes, so there are no clicks) with a 2 ms fade in and out. Bit edges fall on
 * the nearest sample to {@code k * sampleRate / baud}, so rates that do not divide the sample rate keep their
 * average exactly. Stateless and thread-safe.
 */
public final class FskModulator {
    private final FskParameters p;

    public FskModulator(FskParameters parameters) {
        this.p = parameters;
    }

    public FskParameters parameters() {
        return p;
    }

    /** @return the samples of one transmission of {@code bytes}, in [-amplitude, amplitude] */
    public float[] modulate(byte[] bytes) {
        int totalBits = (int) p.bitsOnAir(bytes.length);
        boolean[] bits = new boolean[totalBits];
        int k = 0;
        for (int i = 0; i < p.preambleBits(); i++) {
            bits[k++] = true;
        }
        for (byte b : bytes) {
            bits[k++] = false;
            for (int i = 0; i < 8; i++) {
                bits[k++] = ((b >> i) & 1) != 0;
            }
            bits[k++] = true;
        }
        while (k < totalBits) {
            bits[k++] = true;
        }
        float[] out = new float[p.samplesOnAir(bytes.length)];
        double spb = p.samplesPerBit();
        double markStep = 2 * Math.PI * p.markHz() / p.sampleRate();
        double spaceStep = 2 * Math.PI * p.spaceHz() / p.sampleRate();
        int fade = Math.max(1, Math.min(out.length / 4, p.sampleRate() / 500));
        double phase = 0;
        int bit = 0;
        long nextEdge = Math.round(spb);
        for (int n = 0; n < out.length; n++) {
            while (n >= nextEdge && bit < totalBits - 1) {
                bit++;
                nextEdge = Math.round((bit + 1) * spb);
            }
            double gain = p.amplitude();
            if (n < fade) {
                gain *= (double) n / fade;
            } else if (n >= out.length - fade) {
                gain *= (double) (out.length - 1 - n) / fade;
            }
            out[n] = (float) (gain * Math.sin(phase));
            phase += bits[bit] ? markStep : spaceStep;
            if (phase > 2 * Math.PI) {
                phase -= 2 * Math.PI;
            }
        }
        return out;
    }
}
