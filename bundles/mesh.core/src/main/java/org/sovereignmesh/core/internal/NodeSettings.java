package org.sovereignmesh.core.internal;

import java.time.Duration;

/** Tunables of a {@link MeshNode}; defaults suit a real node, tests shrink them. */
final class NodeSettings {
    /** A link whose neighbour has not identified itself by then is closed. */
    Duration handshakeTimeout = Duration.ofSeconds(10);
    /** Frames handed to one link and not yet confirmed sent; more wait in the peer's queue. */
    int maxFramesInFlightPerLink = 64;
    /** Received bytes a link may have waiting for the node thread before the link is closed as flooding. */
    long maxPendingInboundBytesPerLink = 16L << 20;
    /** Packets waiting for one destination before new ones are refused. */
    int maxQueuedMessagesPerPeer = 10_000;
    /** How long this node holds packets it relays for others while no path exists (custody). */
    Duration custodyTime = Duration.ofHours(1);
    /** Bytes of relayed packets this node holds at most, for all destinations together. */
    long maxCustodyBytes = 16L << 20;
    /** Flooded packets this node may send per second on average, and in a burst. */
    double floodRate = 20;
    int floodBurst = 50;
    /** Duplicate packets are recognised for this long. */
    Duration duplicateHorizon = Duration.ofMinutes(30);
    /** First retry of an unacknowledged message; each further retry waits twice as long, up to the maximum. */
    Duration retryInitial = Duration.ofSeconds(3);
    Duration retryMaximum = Duration.ofMinutes(5);
    /** Bytes of partial packets one link may hold while their fragments arrive. */
    long maxReassemblyBytesPerLink = 1L << 20;
    /** Finished messages the delivery history keeps (messages still on their way are always kept). */
    int deliveryHistory = 1000;
    /** Connect by itself to neighbours that transports discover. */
    boolean autoConnect = true;
    /** Largest application payload, bounded by what one frame carries until fragmentation exists. */
    int maxPayloadSize = 60 * 1024;
    /** Duplex links move to fresh keys this often (besides every 2^20 frames). */
    Duration rekeyInterval = Duration.ofMinutes(10);
    /** Broadcast and one-way links announce this node this often (jittered by up to a quarter). */
    Duration announceInterval = Duration.ofMinutes(10);
    /** End-to-end packets older than this are refused; newer ones are remembered to refuse replays. */
    Duration replayHorizon = Duration.ofDays(7);
    /**
     * How long, and for how many messages at most, a node remembers that it delivered an acknowledged message, so a
     * retry (even after a restart) is acknowledged again instead of delivered twice.
     */
    Duration deliveredRetention = Duration.ofDays(30);
    int deliveredCapacity = 100_000;
    /** How many end-to-end packets the replay guard remembers. */
    int replayCapacity = 50_000;
}
