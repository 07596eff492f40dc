package org.sovereignmesh.serial;

import java.io.IOException;

import org.osgi.annotation.versioning.ProviderType;

/** An open serial port. Thread-safe. */
@ProviderType
public interface SerialLine extends AutoCloseable {

    String portName();

    /**
     * Queues {@code bytes} for writing and returns at once; they are written in order.
     *
     * @throws IOException if the line is closed or more than its write buffer is already waiting
     */
    void write(byte[] bytes) throws IOException;

    /** Closes the port; the listener then hears {@code closed(null)}. Idempotent. */
    @Override
    void close();
}
