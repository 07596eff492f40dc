package org.sovereignmesh.core.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.time.Cancellable;

/** What the node knows about one peer: its established links and the messages waiting for it. Loop-confined. */
final class Neighbour {
    final PeerId peer;
    final List<LinkSession> links = new ArrayList<>();
    final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
    /** Fails queued messages that waited too long for a link; armed only while there is no link. */
    Cancellable holdTimer;

    Neighbour(PeerId peer) {
        this.peer = peer;
    }

    boolean idle() {
        return links.isEmpty() && queue.isEmpty();
    }
}
