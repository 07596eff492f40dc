package org.sovereignmesh.transport.sim;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/** One radio on a {@link RadioMedium}. Half duplex: while it transmits it hears nothing. Thread-safe. */
@ProviderType
public interface RadioStation {

    StationSpec spec();

    /**
     * Starts transmitting {@code frame} now.
     *
     * @return a stage completing when the frame's airtime has passed, or failing with a
     *         {@link org.sovereignmesh.api.transport.TransportException} if the station is already transmitting,
     *         has left, or the frame would exceed its duty-cycle budget (the medium counts that as a violation)
     */
    CompletionStage<Void> transmit(byte[] frame);

    /** @return nanoseconds until a frame of {@code frameBytes} fits the duty-cycle budget; 0 if it fits now */
    long budgetWaitNanos(int frameBytes);

    /** Moves the station; ranges are evaluated per transmission. */
    void moveTo(double x, double y);

    /** Leaves the medium: transmissions in progress to or from it are lost. Idempotent. */
    void leave();
}
