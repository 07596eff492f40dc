package org.sovereignmesh.core.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.time.Cancellable;
import org.sovereignmesh.crypto.NoiseHandshake;
import org.sovereignmesh.crypto.SecureSession;
import org.sovereignmesh.api.transport.FrameReceiver;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.LinkInfo;
import org.sovereignmesh.api.transport.MeshAddress;

/**
 * The node's side of one {@link Link}: security state (a Noise handshake then a session on duplex links; the peers
 * heard on a broadcast or one-way link), statistics, frames in flight. Receives the link's frames on transport
 * threads and hands them to the node loop, bounding what may wait there.
 */
final class LinkSession implements FrameReceiver {
    final long id;
    final TransportSlot slot;
    final Link link;
    final boolean outbound;
    final MeshAddress remoteAddress;
    final long openedAtMillis;
    /**
     * Whether this link gets a Noise session: it carries frames both ways and its medium allows interactive round
     * trips (the profile says duplex). Two-way links on slow or costly media (satellite) carry sealed packets instead.
     */
    final boolean secured;
    private final MeshNode node;
    private final AtomicLong pendingInboundBytes = new AtomicLong();

    // loop-confined
    LinkInfo.State state = LinkInfo.State.HANDSHAKING;
    /** The authenticated neighbour of a duplex link. */
    PeerId peer;
    NoiseHandshake handshake;
    SecureSession session;
    /** Peers whose signed announcements or packets arrived over this (non-duplex) link. */
    final java.util.Set<PeerId> heard = new java.util.HashSet<>();
    Cancellable rekeyTimer;
    Cancellable announceTimer;
    /** Puts back together the packets that arrive in fragments on this link. */
    Fragments.Reassembler reassembler;
    /** The identity the opener asked for ({@code /p2p/...}), or null. */
    PeerId expectedPeer;
    boolean closed;
    Cancellable handshakeTimer;
    final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    final List<CompletableFuture<LinkInfo>> establishWaiters = new ArrayList<>();
    long framesSent;
    /** {@link #framesSent} when the session last moved to fresh keys. */
    long framesSentAtRekey;
    long framesReceived;
    long bytesSent;
    long bytesReceived;

    LinkSession(MeshNode node, long id, TransportSlot slot, Link link, boolean outbound, long openedAtMillis) {
        this.node = node;
        this.id = id;
        this.slot = slot;
        this.link = link;
        this.outbound = outbound;
        this.remoteAddress = link.remoteAddress();
        this.openedAtMillis = openedAtMillis;
        this.secured = link.mode() == org.sovereignmesh.api.transport.LinkMode.DUPLEX && slot.transport.profile().duplex();
    }

    LinkInfo info() {
        return new LinkInfo(id, slot.id, remoteAddress, link.mode(), outbound, closed ? LinkInfo.State.CLOSING : state,
                peer, link.mtu(), openedAtMillis, framesSent, framesReceived, bytesSent, bytesReceived);
    }

    @Override
    public void frameReceived(byte[] frame) {
        long pending = pendingInboundBytes.addAndGet(frame.length);
        if (pending > node.settings().maxPendingInboundBytesPerLink) {
            pendingInboundBytes.addAndGet(-frame.length);
            node.scheduler().execute(() -> node.closeLink(this, "neighbour sends faster than the node can process ("
                    + pending + " bytes waiting)"));
            return;
        }
        node.scheduler().execute(() -> {
            pendingInboundBytes.addAndGet(-frame.length);
            node.frameReceived(this, frame);
        });
    }

    @Override
    public void linkClosed(Throwable cause) {
        String reason = cause == null ? "closed by transport" : String.valueOf(cause.getMessage());
        node.scheduler().execute(() -> node.closeLink(this, reason));
    }

    @Override
    public String toString() {
        return "link " + id + " (" + slot.id + " " + remoteAddress + (peer == null ? "" : " " + peer.shortName()) + ")";
    }
}
