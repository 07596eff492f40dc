package org.sovereignmesh.api;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * A message the node accepted from {@link MeshNetwork#submit}: its identifier at once, its receipt when there is
 * one. Immutable.
 */
public final class Delivery {
    private final String messageId;
    private final CompletionStage<DeliveryReceipt> receipt;

    public Delivery(String messageId, CompletionStage<DeliveryReceipt> receipt) {
        this.messageId = Objects.requireNonNull(messageId, "messageId");
        this.receipt = Objects.requireNonNull(receipt, "receipt");
    }

    /** @return the message's identifier on this node (hex), the same as its receipt's and status entries' */
    public String messageId() {
        return messageId;
    }

    /** @return completes as {@link MeshNetwork#send(PeerId, String, byte[], SendOptions)} describes */
    public CompletionStage<DeliveryReceipt> receipt() {
        return receipt;
    }

    @Override
    public String toString() {
        return "Delivery[" + messageId + "]";
    }
}
