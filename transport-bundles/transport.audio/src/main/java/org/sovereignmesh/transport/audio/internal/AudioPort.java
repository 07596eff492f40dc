package org.sovereignmesh.transport.audio.internal;

import java.util.concurrent.CompletionStage;

/**
 * Where the modem's sound goes and comes from: a sound card through Java Sound, WAV files in folders, or the
 * in-memory air of tests and the simulator. Samples are mono floats at the modem's sample rate, full scale 1.0.
 */
interface AudioPort {

    /**
     * Opens the device without blocking the caller (a device that takes time opens on its own thread) and reports
     * through {@code events}, possibly later and from other threads; {@link Events#heard} always from one thread
     * at a time.
     */
    void open(Events events);

    /** Plays one transmission; the stage completes when it has left (played out, or written). */
    CompletionStage<Void> play(float[] samples);

    /** Releases the device. Idempotent; reports nothing afterwards. */
    void close();

    /** @return where the sound goes, for messages ("Java Sound, default mixer") */
    String describe();

    /** What the port tells its transport. */
    interface Events {
        /** The device is open: transmissions can go out and sound comes in. */
        void ready(String detail);

        /** Received sound, in order. */
        void heard(float[] samples, int offset, int length);

        /** A recording ended (a WAV file): the next samples start a new one. */
        void endOfRecording();

        /** The device cannot be used (for now): absent, refused, unplugged. */
        void failed(String reason);
    }
}
