package org.sovereignmesh.api.status;

import java.util.Objects;
import java.util.Optional;

import org.sovereignmesh.api.PeerId;

/** A packet waiting in a node for a next hop. Immutable. */
public final class QueuedPacket {
    /** Whose packet it is. */
    public enum Kind {
        /** A message this node's applications sent. */
        MESSAGE,
        /** This node's acknowledgement of a message it received. */
        ACKNOWLEDGEMENT,
        /** A packet this node relays for others and holds while no next hop takes it (custody). */
        CUSTODY
    }

    private final String destination;
    private final PeerId destinationPeer;
    private final Kind kind;
    private final String messageId;
    private final int size;
    private final int attempts;
    private final long queuedMillis;
    private final long expiresMillis;
    private final int carriers;

    /**
     * @param destinationPeer the destination's identity, or null when only its address is known (relayed packets)
     * @param messageId       the message identifier for {@link Kind#MESSAGE}, else an empty string
     * @param carriers        how many carrier links (removable media) hold a copy of it
     */
    public QueuedPacket(String destination, PeerId destinationPeer, Kind kind, String messageId, int size, int attempts,
            long queuedMillis, long expiresMillis, int carriers) {
        this.destination = Objects.requireNonNull(destination, "destination");
        this.destinationPeer = destinationPeer;
        this.kind = Objects.requireNonNull(kind, "kind");
        this.messageId = Objects.requireNonNull(messageId, "messageId");
        this.size = size;
        this.attempts = attempts;
        this.queuedMillis = queuedMillis;
        this.expiresMillis = expiresMillis;
        this.carriers = carriers;
    }

    /** @return the destination's routing address (16 hex digits) */
    public String destination() {
        return destination;
    }

    public Optional<PeerId> destinationPeer() {
        return Optional.ofNullable(destinationPeer);
    }

    public Kind kind() {
        return kind;
    }

    /** @return the message identifier ({@link Kind#MESSAGE}), else an empty string */
    public String messageId() {
        return messageId;
    }

    /** @return the packet's size in bytes */
    public int size() {
        return size;
    }

    /** @return how many times links were handed this packet and failed to send it */
    public int attempts() {
        return attempts;
    }

    public long queuedMillis() {
        return queuedMillis;
    }

    /** @return when the node stops holding it, from the node's clock */
    public long expiresMillis() {
        return expiresMillis;
    }

    public int carriers() {
        return carriers;
    }

    @Override
    public String toString() {
        return kind + " for " + destination + " (" + size + " bytes)";
    }
}
