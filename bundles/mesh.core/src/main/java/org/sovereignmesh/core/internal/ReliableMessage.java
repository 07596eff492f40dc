package org.sovereignmesh.core.internal;

import java.util.concurrent.CompletableFuture;

import org.sovereignmesh.api.DeliveryReceipt;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.time.Cancellable;

/**
 * A message sent with acknowledgement: kept until the destination acknowledges it or its lifetime ends, and sent
 * again (sealed afresh, so relays see a new packet) with exponential backoff and jitter, preferring another next
 * hop each time. Loop-confined.
 */
final class ReliableMessage {
    final long messageId;
    final PeerId destination;
    final byte[] endToEnd;
    final int payloadLength;
    final long deadlineNanos;
    final CompletableFuture<DeliveryReceipt> result;
    /** Its record in the journal's outbox, removed when acknowledged or expired. */
    long journalSequence = -1;
    int attempts;
    Cancellable retryTimer;
    /** The attempt still waiting in a queue, so a retry does not pile a second copy behind it. */
    Outgoing pending;
    /** The neighbour the last attempt left through. */
    PeerId lastNextHop;

    ReliableMessage(long messageId, PeerId destination, byte[] endToEnd, int payloadLength, long deadlineNanos,
            CompletableFuture<DeliveryReceipt> result) {
        this.messageId = messageId;
        this.destination = destination;
        this.endToEnd = endToEnd;
        this.payloadLength = payloadLength;
        this.deadlineNanos = deadlineNanos;
        this.result = result;
    }
}
