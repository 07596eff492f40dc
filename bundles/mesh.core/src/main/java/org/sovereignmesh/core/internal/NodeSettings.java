package org.sovereignmesh.core.internal;

import java.time.Duration;

/** Tunables of a {@link MeshNode}; defaults suit a real node, tests shrink them. */
final class NodeSettings {
    /** A link whose neighbour has not identified itself by then is closed. */
    Duration handshakeTimeout = Duration.ofSeconds(10);
    /** How long a message for a peer without any link waits for one before failing. */
    Duration holdTimeout = Duration.ofSeconds(30);
    /** Frames handed to one link and not yet confirmed sent; more wait in the peer's queue. */
    int maxFramesInFlightPerLink = 64;
    /** Received bytes a link may have waiting for the node thread before the link is closed as flooding. */
    long maxPendingInboundBytesPerLink = 16L << 20;
    /** Messages waiting for one peer before new sends to it are refused. */
    int maxQueuedMessagesPerPeer = 10_000;
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
    /** How many end-to-end packets the replay guard remembers. */
    int replayCapacity = 50_000;
}
