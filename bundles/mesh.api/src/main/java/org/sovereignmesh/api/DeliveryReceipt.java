package org.sovereignmesh.api;

import java.util.Objects;

/** The outcome of a successful {@link MeshNetwork#send(PeerId, String, byte[])}. Immutable. */
public final class DeliveryReceipt {
    private final PeerId destination;
    private final DeliveryStatus status;
    private final String via;
    private final long timestampMillis;
    private final String messageId;

    /**
     * @param via a human-readable description of the path taken, for example {@code "tcp /ip4/10.0.0.2/tcp/4001"}
     */
    public DeliveryReceipt(PeerId destination, DeliveryStatus status, String via, long timestampMillis) {
        this(destination, status, via, timestampMillis, "");
    }

    /**
     * @param messageId the sender's identifier of the message (hex), or an empty string
     */
    public DeliveryReceipt(PeerId destination, DeliveryStatus status, String via, long timestampMillis,
            String messageId) {
        this.destination = Objects.requireNonNull(destination, "destination");
        this.status = Objects.requireNonNull(status, "status");
        this.via = Objects.requireNonNull(via, "via");
        this.timestampMillis = timestampMillis;
        this.messageId = Objects.requireNonNull(messageId, "messageId");
    }

    /** @return the message's identifier on this node (hex), as {@code mesh:deliveries} shows it; may be empty */
    public String messageId() {
        return messageId;
    }

    public PeerId destination() {
        return destination;
    }

    public DeliveryStatus status() {
        return status;
    }

    /** @return the path the message took, for people reading logs (not a stable format) */
    public String via() {
        return via;
    }

    /** @return when the status was reached, from the node's clock */
    public long timestampMillis() {
        return timestampMillis;
    }

    @Override
    public String toString() {
        return status + " to " + destination.shortName() + " via " + via;
    }
}
