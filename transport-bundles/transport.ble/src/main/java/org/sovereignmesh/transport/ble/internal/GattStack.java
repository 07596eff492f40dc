package org.sovereignmesh.transport.ble.internal;

import java.util.concurrent.CompletionStage;

/**
 * What the BLE transport needs from a Bluetooth LE stack, in both GATT roles, for the one mesh service and its one
 * characteristic ({@link BleSettings#SERVICE_UUID}, {@link BleSettings#CHARACTERISTIC_UUID}): BlueZ over D-Bus, or
 * the simulated medium. Every event reaches the transport through the scheduler given to the stack's factory, never
 * from inside a call the transport made.
 */
public interface GattStack {

    /** Brings the adapter up: registers the GATT service, advertises it and scans for others. */
    void open(Events events);

    /**
     * Central role: connects to the peripheral at {@code address}, resolves the mesh characteristic, exchanges the
     * ATT MTU and subscribes to its notifications.
     *
     * @return the connection, or a failed stage saying why (no such device, no mesh service, timeout)
     */
    CompletionStage<Connection> connect(String address, Notifications notifications);

    /**
     * Peripheral role: notifies {@code value} on the mesh characteristic to every subscribed central (at most its
     * ATT MTU - 3 bytes; longer values are cut by the stack, as BlueZ does).
     */
    CompletionStage<Void> notifyCentrals(byte[] value);

    /** Releases the adapter: unregisters, stops advertising and scanning, drops connections. Idempotent. */
    void close();

    /** @return where the stack runs, for messages ("BlueZ hci0 via D-Bus system bus") */
    String describe();

    /** A GATT connection this node opened as central. */
    interface Connection {
        /** @return the ATT MTU the two ends agreed on */
        int attMtu();

        /** Writes {@code value} to the peer's mesh characteristic (write without response). */
        CompletionStage<Void> write(byte[] value);

        /** Disconnects. Idempotent. */
        void disconnect();
    }

    /** Where a central's connection reports. */
    interface Notifications {
        void notified(byte[] value);

        /** The connection is gone (peer left, out of range, adapter off). Called once. */
        void disconnected(String reason);
    }

    /** What the stack tells the transport. */
    interface Events {
        /** The adapter is up, advertising and scanning; {@code address} is this node's BLE address. */
        void ready(String address, String detail);

        /** The adapter cannot be used (for now): absent, powered off, no D-Bus, no permission. */
        void failed(String reason);

        /** A peripheral advertising the mesh service was seen. */
        void discovered(String address);

        /**
         * Peripheral role: central {@code central} wrote {@code value} to the mesh characteristic.
         *
         * @param attMtu the ATT MTU of that central's connection
         */
        void written(String central, byte[] value, int attMtu);

        /** Peripheral role: central {@code central} disconnected. */
        void centralGone(String central);
    }
}
