package org.sovereignmesh.core.internal;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.sovereignmesh.api.DeliveryReceipt;
import org.sovereignmesh.api.PeerId;

/**
 * One routed packet waiting for, or on its way to, a next hop: this node's own message, an acknowledgement, or a
 * packet it relays for others. Loop-confined except {@link #leftVia}.
 */
final class Outgoing {
    /** Sends that fail without the link closing are retried this often before the packet is given up. */
    static final int MAX_ATTEMPTS = 3;

    final Packet packet;
    /** The destination's peer id when known (own messages, acknowledgements); relayed packets name only an address. */
    final PeerId peer;
    /** Application bytes it carries (own messages), for messages to people; 0 otherwise. */
    final int payloadLength;
    /** Completes when this node's best-effort message left; null for everything else. */
    final CompletableFuture<DeliveryReceipt> result;
    /** The reliable message this is one attempt of, or null. */
    final ReliableMessage owner;
    /** The message id, for receipts (own messages only). */
    final long messageId;
    /** When the packet gives up waiting for a path, in scheduler nanos. */
    final long deadlineNanos;
    /** A neighbour not to send it to: where a relayed packet came from, or the hop a failed attempt used. */
    final PeerId avoid;
    /** Carrier links this held packet was already copied to. */
    final Set<Long> carriedOn = new HashSet<>();
    int attempts;
    /** The journal record of a relayed packet held in custody: its sequence once written; null when not written. */
    CompletableFuture<Long> custodyRecord;
    /** When it entered the queue, in scheduler nanos. */
    long queuedNanos;
    /**
     * The link whose transport confirmed the frame left, set on the transport's thread as soon as it says so: a link
     * closing before the loop hears about it must not re-offer a frame that is already on its way.
     */
    volatile LinkSession leftVia;

    Outgoing(Packet packet, PeerId peer, int payloadLength, CompletableFuture<DeliveryReceipt> result,
            ReliableMessage owner, long messageId, long deadlineNanos, PeerId avoid) {
        this.packet = packet;
        this.peer = peer;
        this.payloadLength = payloadLength;
        this.result = result;
        this.owner = owner;
        this.messageId = messageId;
        this.deadlineNanos = deadlineNanos;
        this.avoid = avoid;
    }

    boolean ownMessage() {
        return result != null || owner != null;
    }
}
