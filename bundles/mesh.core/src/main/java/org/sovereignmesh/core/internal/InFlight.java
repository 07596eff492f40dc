package org.sovereignmesh.core.internal;

import org.sovereignmesh.api.PeerId;

/** A message handed to a link and not yet confirmed sent; a broadcast link carries messages for many peers. */
final class InFlight {
    final PeerId destination;
    final Outgoing message;

    InFlight(PeerId destination, Outgoing message) {
        this.destination = destination;
        this.message = message;
    }
}
