package org.sovereignmesh.transport.lora.internal;

import java.util.concurrent.CompletionStage;

/** What a {@link LoRaTransport} needs from a radio: an RNode on a serial port, or a simulated one. */
interface LoRaModem {

    /** Opens and configures the radio; reports through {@code events}, possibly later and from other threads. */
    void open(Events events);

    /** Transmits one frame; the stage completes when its airtime has passed (the frame has left). */
    CompletionStage<Void> transmit(byte[] frame);

    /** Releases the radio. Idempotent; reports nothing more afterwards. */
    void close();

    /** @return where the radio is, for messages ("RNode on /dev/ttyUSB0") */
    String describe();

    /** What the modem tells its transport. */
    interface Events {
        /** Configured and listening. */
        void ready(String detail);

        /** A frame heard on the channel. */
        void received(byte[] frame);

        /** The radio cannot be used (for now): absent, not answering, misconfigured, unplugged. */
        void failed(String reason);
    }
}
