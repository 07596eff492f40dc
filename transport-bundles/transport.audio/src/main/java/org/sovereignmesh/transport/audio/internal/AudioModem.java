package org.sovereignmesh.transport.audio.internal;

import java.util.function.Consumer;

/**
 * The whole modem: frames to samples ({@link AudioFraming} inside 8N1 characters, {@link FskModulator}) and samples
 * back to frames ({@link FskDemodulator}, {@link AudioFraming.Assembler}). Thread-safe for sending; each
 * {@link Receiver} belongs to one thread.
 */
public final class AudioModem {
    private final FskParameters parameters;
    private final FskModulator modulator;

    public AudioModem(FskParameters parameters) {
        this.parameters = parameters;
        this.modulator = new FskModulator(parameters);
    }

    public FskParameters parameters() {
        return parameters;
    }

    /** @return the samples that carry {@code payload} (1 to 255 bytes) */
    public float[] modulate(byte[] payload) {
        return modulator.modulate(AudioFraming.encode(payload));
    }

    /** @return nanoseconds on air for a frame carrying {@code payloadBytes} */
    public long airtimeNanos(int payloadBytes) {
        return parameters.airtimeNanos(payloadBytes + AudioFraming.OVERHEAD);
    }

    /** @return a demodulator that reports every good frame it hears to {@code frames} */
    public Receiver receiver(Consumer<byte[]> frames) {
        return new Receiver(frames);
    }

    /** Samples in, frames out. */
    public final class Receiver {
        private final AudioFraming.Assembler assembler;
        private final FskDemodulator demodulator;

        Receiver(Consumer<byte[]> frames) {
            this.assembler = new AudioFraming.Assembler(frames);
            this.demodulator = new FskDemodulator(parameters, new FskDemodulator.ByteSink() {
                @Override
                public void byteReceived(int value) {
                    assembler.accept(value);
                }

                @Override
                public void idle() {
                    assembler.flush();
                }
            });
        }

        public void feed(float[] samples, int offset, int length) {
            demodulator.feed(samples, offset, length);
        }

        public void feed(float[] samples) {
            demodulator.feed(samples, 0, samples.length);
        }

        /** The recording ended (a WAV file): the next samples are a new recording. */
        public void endOfRecording() {
            demodulator.reset();
            assembler.flush();
        }

        public long characters() {
            return demodulator.characters();
        }

        public long framingErrors() {
            return demodulator.framingErrors();
        }

        public long goodFrames() {
            return assembler.goodFrames();
        }

        public long badFrames() {
            return assembler.badFrames();
        }
    }
}
