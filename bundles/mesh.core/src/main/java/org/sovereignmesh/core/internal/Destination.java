package org.sovereignmesh.core.internal;

import java.util.ArrayDeque;

import org.sovereignmesh.api.time.Cancellable;

/** The packets waiting for one destination address, and the timer that expires those held too long. Loop-confined. */
final class Destination {
    final long address;
    final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
    Cancellable holdTimer;
    long heldBytes;

    Destination(long address) {
        this.address = address;
    }
}
