package org.sovereignmesh.dht.internal;

import java.util.List;
import java.util.Objects;

import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.transport.MeshAddress;

/** A node of the DHT: its id, its identity and the addresses others learned for it (may be empty). Immutable. */
public final class Contact {
    private final NodeId id;
    private final PeerId peer;
    private final List<MeshAddress> addresses;

    public Contact(NodeId id, PeerId peer, List<MeshAddress> addresses) {
        this.id = Objects.requireNonNull(id, "id");
        this.peer = Objects.requireNonNull(peer, "peer");
        this.addresses = addresses.isEmpty() ? List.of() : List.copyOf(addresses);
    }

    /** @return a contact whose id is derived from the peer's key, as every node derives it */
    public static Contact of(PeerId peer, List<MeshAddress> addresses) {
        return new Contact(NodeId.ofPeer(peer), peer, addresses);
    }

    public NodeId id() {
        return id;
    }

    public PeerId peer() {
        return peer;
    }

    public List<MeshAddress> addresses() {
        return addresses;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Contact && id.equals(((Contact) o).id) && addresses.equals(((Contact) o).addresses);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return peer.shortName() + "@" + id;
    }
}
