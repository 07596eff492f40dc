package org.sovereignmesh.transport.ble.internal;

import java.time.Duration;

import org.sovereignmesh.api.transport.TransportProfile;

/**
 * A BLE transport's settings. Immutable; validated on construction.
 *
 * @param maxFrame      largest frame this node accepts; a link's MTU is the smaller of both ends' (HELLO/WELCOME)
 * @param attMtu        ATT MTU this node offers in the exchange (23 to 517); the connection uses the smaller of both
 * @param bitrate       nominal bit rate of a connection, for routing (what a connection interval and the PHY give)
 * @param latency       nominal one-way latency (about one connection interval)
 * @param setupTimeout  a connection must be up and its link welcomed within this time
 * @param retryInterval wait before trying an absent or failed adapter again
 */
public record BleSettings(int maxFrame, int attMtu, long bitrate, Duration latency, Duration setupTimeout,
        Duration retryInterval, int queueLimit) {
    /** The mesh GATT service: a random (version 4) UUID, fixed for the protocol. */
    public static final String SERVICE_UUID = "5e1f0001-8b6d-4c3a-9f4e-6d6573680001";
    /** Its characteristic for frames: write without response (central to peripheral), notify (the other way). */
    public static final String CHARACTERISTIC_UUID = "5e1f0002-8b6d-4c3a-9f4e-6d6573680001";
    static final int MAX_FRAME_LIMIT = 65_535;

    public BleSettings {
        if (maxFrame < TransportProfile.MIN_MTU || maxFrame > MAX_FRAME_LIMIT) {
            throw new IllegalArgumentException("BLE frame size must be " + TransportProfile.MIN_MTU + " to "
                    + MAX_FRAME_LIMIT + " bytes, got " + maxFrame);
        }
        if (attMtu < Chunks.MIN_ATT_MTU || attMtu > Chunks.MAX_ATT_MTU) {
            throw new IllegalArgumentException("ATT MTU must be " + Chunks.MIN_ATT_MTU + " to " + Chunks.MAX_ATT_MTU
                    + ", got " + attMtu);
        }
        if (bitrate <= 0 || queueLimit < 1) {
            throw new IllegalArgumentException("bit rate and queue limit must be positive");
        }
    }

    static BleSettings defaults() {
        return new BleSettings(2048, 247, 250_000, Duration.ofMillis(30), Duration.ofSeconds(15),
                Duration.ofSeconds(10), 256);
    }

    BleSettings withAttMtu(int mtu) {
        return new BleSettings(maxFrame, mtu, bitrate, latency, setupTimeout, retryInterval, queueLimit);
    }

    BleSettings withMaxFrame(int frame) {
        return new BleSettings(frame, attMtu, bitrate, latency, setupTimeout, retryInterval, queueLimit);
    }
}
