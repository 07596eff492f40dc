package org.sovereignmesh.serial;

import java.io.IOException;

import org.osgi.annotation.versioning.ConsumerType;

/** Hears what a {@link SerialLine} receives. Called from one thread per line, never concurrently; return quickly. */
@ConsumerType
public interface SerialListener {

    /** Bytes as they arrived; the array is the listener's. */
    void received(byte[] bytes);

    /**
     * The line is closed and delivers nothing more. Called once.
     *
     * @param cause why (device unplugged, read error), or {@code null} when closed on request
     */
    void closed(IOException cause);
}
