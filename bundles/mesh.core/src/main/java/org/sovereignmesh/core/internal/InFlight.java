package org.sovereignmesh.core.internal;

/** Frames of one routed packet handed to a link and not yet confirmed sent. */
final class InFlight {
    final Outgoing outgoing;
    int framesLeft;

    InFlight(Outgoing outgoing, int frames) {
        this.outgoing = outgoing;
        this.framesLeft = frames;
    }
}
