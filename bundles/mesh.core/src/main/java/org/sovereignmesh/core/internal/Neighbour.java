package org.sovereignmesh.core.internal;

import java.util.ArrayList;
import java.util.List;

import org.sovereignmesh.api.PeerId;

/** A peer this node has at least one link to (an authenticated duplex link, or a link it was heard on). */
final class Neighbour {
    final PeerId peer;
    final long address;
    final List<LinkSession> links = new ArrayList<>();

    Neighbour(PeerId peer) {
        this.peer = peer;
        this.address = NodeAddress.of(peer);
    }
}
