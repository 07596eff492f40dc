package org.sovereignmesh.api.status;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.sovereignmesh.api.PeerId;

/** One destination a node knows a next hop for. Immutable. */
public final class RouteInfo {
    /** How the node knows the way. */
    public enum Kind {
        /** The destination is a neighbour: a link reaches it directly. */
        NEIGHBOUR,
        /** Acknowledgements or replies from the destination arrived through the next hop. */
        LEARNED
    }

    private final String destination;
    private final PeerId destinationPeer;
    private final Kind kind;
    private final PeerId nextHop;
    private final List<String> links;
    private final long updatedMillis;

    /**
     * @param destination     the destination's routing address (16 hex digits)
     * @param destinationPeer the destination's identity, or null when only its address is known
     * @param links           the links to the next hop, each as {@code "<transport id> <remote address>"}
     * @param updatedMillis   when the route was established or last confirmed, from the node's clock
     */
    public RouteInfo(String destination, PeerId destinationPeer, Kind kind, PeerId nextHop, List<String> links,
            long updatedMillis) {
        this.destination = Objects.requireNonNull(destination, "destination");
        this.destinationPeer = destinationPeer;
        this.kind = Objects.requireNonNull(kind, "kind");
        this.nextHop = Objects.requireNonNull(nextHop, "nextHop");
        this.links = List.copyOf(links);
        this.updatedMillis = updatedMillis;
    }

    /** @return the destination's routing address: the first 8 bytes of SHA-256 of its public key, in hex */
    public String destination() {
        return destination;
    }

    public Optional<PeerId> destinationPeer() {
        return Optional.ofNullable(destinationPeer);
    }

    public Kind kind() {
        return kind;
    }

    public PeerId nextHop() {
        return nextHop;
    }

    /** @return the links to the next hop, each as {@code "<transport id> <remote address>"} */
    public List<String> links() {
        return links;
    }

    public long updatedMillis() {
        return updatedMillis;
    }

    @Override
    public String toString() {
        return destination + " via " + nextHop.shortName() + " (" + kind + ")";
    }
}
