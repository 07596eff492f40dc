package org.sovereignmesh.core.internal;

import java.util.concurrent.CompletableFuture;

import org.sovereignmesh.api.DeliveryReceipt;

/** One application message on its way to a neighbour, already sealed end to end for its destination. */
final class Outgoing {
    /** Sends that fail without the link closing are retried this often before the message fails. */
    static final int MAX_ATTEMPTS = 3;

    /** The end-to-end sealed packet. */
    final byte[] sealed;
    /** Application bytes it carries, for messages to people. */
    final int payloadLength;
    final CompletableFuture<DeliveryReceipt> result;
    /** When the message gives up waiting for a link, in scheduler nanos. */
    final long deadlineNanos;
    /** Loop-confined. */
    int attempts;
    /**
     * The link whose transport confirmed the frame left, set on the transport's thread as soon as it says so: a link
     * closing before the loop hears about it must not re-offer a frame that is already on its way.
     */
    volatile LinkSession leftVia;

    Outgoing(byte[] sealed, int payloadLength, CompletableFuture<DeliveryReceipt> result, long deadlineNanos) {
        this.sealed = sealed;
        this.payloadLength = payloadLength;
        this.result = result;
        this.deadlineNanos = deadlineNanos;
    }
}
