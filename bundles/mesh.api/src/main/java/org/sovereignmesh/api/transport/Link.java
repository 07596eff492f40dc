package org.sovereignmesh.api.transport;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A channel of a transport to one neighbour (or, for {@link LinkMode#BROADCAST}, to every neighbour in range).
 * Implemented by transports, used by the core.
 *
 * <p>Nothing flows before the core calls {@link #start(FrameReceiver)}: a transport buffers or pauses reading
 * until then, so no inbound frame is ever lost. Frames are opaque byte arrays of at most {@link #mtu()} bytes;
 * a transport delivers each received frame whole, exactly as sent, or not at all.
 */
@ConsumerType
public interface Link {

    /** @return the neighbour's address on this medium (for broadcast links: the channel's address) */
    MeshAddress remoteAddress();

    /** @return whether frames go both ways, one way, or to everyone in range */
    LinkMode mode();

    /** @return the largest frame this link carries, in bytes; may be smaller than the profile's (negotiated) */
    int mtu();

    /**
     * Begins delivering received frames and close notification to {@code receiver}. Called exactly once.
     */
    void start(FrameReceiver receiver);

    /**
     * Queues one frame for transmission. The array belongs to the transport from now on.
     *
     * @return a stage that completes when the frame has left this node (written to the socket, radio or file),
     *         or exceptionally with a {@link TransportException} (link closed, frame larger than {@link #mtu()},
     *         duty-cycle budget exhausted beyond the transport's queue...)
     */
    CompletionStage<Void> send(byte[] frame);

    /**
     * Closes the link. The transport then calls {@link FrameReceiver#linkClosed(Throwable)} once. Idempotent.
     */
    void close();
}
