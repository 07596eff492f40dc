package org.sovereignmesh.radio;

import java.util.concurrent.CompletionStage;

/**
 * A radio or sound device that sends and hears whole frames on a broadcast channel: an RNode on a serial port, a
 * station on the simulated medium, a software FSK modem on a sound card. Used by {@link ModemTransport}.
 *
 * <p>Not an API: radio transports embed this package.
 */
public interface Modem {

    /** Opens and configures the device; reports through {@code events}, possibly later and from other threads. */
    void open(Events events);

    /** Transmits one frame; the stage completes when it has left (its airtime has passed, or it was written). */
    CompletionStage<Void> transmit(byte[] frame);

    /** Releases the device. Idempotent; reports nothing more afterwards. */
    void close();

    /** @return where the device is, for messages ("RNode on /dev/ttyUSB0") */
    String describe();

    /** What the modem tells its transport. */
    interface Events {
        /** Configured and listening. */
        void ready(String detail);

        /** A frame heard on the channel. */
        void received(byte[] frame);

        /** The device cannot be used (for now): absent, not answering, misconfigured, unplugged. */
        void failed(String reason);
    }
}
