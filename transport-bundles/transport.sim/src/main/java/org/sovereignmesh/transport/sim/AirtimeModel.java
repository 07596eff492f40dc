package org.sovereignmesh.transport.sim;

import org.osgi.annotation.versioning.ConsumerType;

/** How long a frame occupies the air: a fixed bit rate, or a modulation's exact formula (LoRa). */
@ConsumerType
@FunctionalInterface
public interface AirtimeModel {

    /** @return the time on air of a frame of {@code frameBytes} bytes, in nanoseconds */
    long airtimeNanos(int frameBytes);

    /** @return the airtime of a plain bit stream at {@code bitsPerSecond}, without preamble or header */
    static AirtimeModel ofBitrate(long bitsPerSecond) {
        if (bitsPerSecond <= 0) {
            throw new IllegalArgumentException("bit rate must be positive, got " + bitsPerSecond);
        }
        return bytes -> (long) Math.ceil(bytes * 8.0 * 1_000_000_000.0 / bitsPerSecond);
    }
}
