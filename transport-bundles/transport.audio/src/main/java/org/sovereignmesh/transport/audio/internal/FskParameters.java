package org.sovereignmesh.transport.audio.internal;

/**
 * How the modem puts bits into sound: binary FSK at {@code baud} symbols per second, a 1 (mark) as {@code markHz}
 * and a 0 (space) as {@code spaceHz}, continuous phase, at {@code sampleRate} samples per second. Bytes travel as
 * asynchronous 8N1 characters (start bit 0, eight data bits least significant first, stop bit 1), exactly as a
 * serial line or minimodem sends them; between transmissions the line idles at mark. Immutable.
 *
 * @param preambleBits mark tone before the first byte: lets a receiver find the carrier and its byte timing
 * @param trailerBits  mark tone after the last stop bit, so the last byte ends cleanly
 * @param amplitude    peak amplitude of the tone, full scale being 1
 */
public record FskParameters(int sampleRate, double baud, double markHz, double spaceHz, int preambleBits,
        int trailerBits, double amplitude) {

    /** Bell 202: 1200 baud, mark 1200 Hz, space 2200 Hz; what {@code minimodem 1200} sends and receives. */
    public static final FskParameters BELL_202 = new FskParameters(48_000, 1200, 1200, 2200, 40, 4, 0.5);
    /**
     * Near ultrasound: 300 baud, mark 18 000 Hz, space 19 200 Hz (tone spacing four times the baud rate, so the
     * tones are orthogonal over a bit). Inaudible to most adults, within what laptop speakers and microphones pass.
     */
    public static final FskParameters NEAR_ULTRASONIC = new FskParameters(48_000, 300, 18_000, 19_200, 20, 2, 0.5);

    public FskParameters {
        if (sampleRate < 8000 || sampleRate > 192_000) {
            throw new IllegalArgumentException("sample rate must be 8000 to 192000 Hz, got " + sampleRate);
        }
        if (!(baud >= 10 && sampleRate / baud >= 5)) {
            throw new IllegalArgumentException("baud rate must be at least 10 and give 5 or more samples per bit at "
                    + sampleRate + " Hz, got " + baud);
        }
        double nyquist = sampleRate / 2.0;
        if (!(markHz > 0 && markHz < nyquist && spaceHz > 0 && spaceHz < nyquist)) {
            throw new IllegalArgumentException("mark (" + markHz + " Hz) and space (" + spaceHz
                    + " Hz) must lie between 0 and half the sample rate (" + nyquist + " Hz)");
        }
        if (Math.abs(markHz - spaceHz) < baud * 0.5) {
            throw new IllegalArgumentException("mark and space must be at least half the baud rate apart ("
                    + baud / 2 + " Hz) to be told apart within a bit, got " + Math.abs(markHz - spaceHz) + " Hz");
        }
        if (preambleBits < 12 || trailerBits < 1) {
            throw new IllegalArgumentException("need at least 12 preamble bits (a receiver caught inside a false "
                    + "byte must reach the idle line) and 1 trailer bit");
        }
        if (!(amplitude > 0 && amplitude <= 1)) {
            throw new IllegalArgumentException("amplitude must be in (0, 1], got " + amplitude);
        }
    }

    /** @return a copy with another preamble length */
    public FskParameters withPreambleBits(int bits) {
        return new FskParameters(sampleRate, baud, markHz, spaceHz, bits, trailerBits, amplitude);
    }

    /** @return a copy with another sample rate */
    public FskParameters withSampleRate(int rate) {
        return new FskParameters(rate, baud, markHz, spaceHz, preambleBits, trailerBits, amplitude);
    }

    /** @return samples per bit, not necessarily whole */
    public double samplesPerBit() {
        return sampleRate / baud;
    }

    /** @return bits on air for {@code bytes} characters: preamble, 10 per byte (8N1), trailer */
    public long bitsOnAir(int bytes) {
        return preambleBits + 10L * bytes + trailerBits;
    }

    /** @return samples the modulator produces for {@code bytes} characters */
    public int samplesOnAir(int bytes) {
        return (int) Math.round(bitsOnAir(bytes) * samplesPerBit());
    }

    /** @return nanoseconds on air for {@code bytes} characters */
    public long airtimeNanos(int bytes) {
        return Math.round(bitsOnAir(bytes) * 1e9 / baud);
    }

    @Override
    public String toString() {
        return fmt(baud) + " baud FSK, mark " + fmt(markHz) + " Hz, space " + fmt(spaceHz) + " Hz, " + sampleRate
                + " samples/s";
    }

    static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
