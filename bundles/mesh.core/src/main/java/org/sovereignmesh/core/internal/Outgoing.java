package org.sovereignmesh.core.internal;

import java.util.concurrent.CompletableFuture;

import org.sovereignmesh.api.DeliveryReceipt;

/** One application message on its way to a neighbour. */
final class Outgoing {
    /** Sends that fail without the link closing are retried this often before the message fails. */
    static final int MAX_ATTEMPTS = 3;

    final String channel;
    final byte[] payload;
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

    Outgoing(String channel, byte[] payload, CompletableFuture<DeliveryReceipt> result, long deadlineNanos) {
        this.channel = channel;
        this.payload = payload;
        this.result = result;
        this.deadlineNanos = deadlineNanos;
    }
}
