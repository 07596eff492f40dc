package org.sovereignmesh.api.transport;

import java.util.Objects;
import java.util.Optional;

import org.sovereignmesh.api.PeerId;

/** A snapshot of one link. Immutable. */
public final class LinkInfo {

    /** Where a link stands in its life. */
    public enum State {
        /** Open; the neighbour is not yet authenticated. */
        HANDSHAKING,
        /** The neighbour is authenticated; the link carries traffic. */
        ESTABLISHED,
        /** Closing; no new traffic. */
        CLOSING
    }

    private final long id;
    private final String transportId;
    private final MeshAddress remoteAddress;
    private final LinkMode mode;
    private final boolean outbound;
    private final State state;
    private final PeerId peer;
    private final int mtu;
    private final long openedAtMillis;
    private final long framesSent;
    private final long framesReceived;
    private final long bytesSent;
    private final long bytesReceived;

    public LinkInfo(long id, String transportId, MeshAddress remoteAddress, LinkMode mode, boolean outbound,
            State state, PeerId peer, int mtu, long openedAtMillis, long framesSent, long framesReceived,
            long bytesSent, long bytesReceived) {
        this.id = id;
        this.transportId = Objects.requireNonNull(transportId, "transportId");
        this.remoteAddress = Objects.requireNonNull(remoteAddress, "remoteAddress");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.outbound = outbound;
        this.state = Objects.requireNonNull(state, "state");
        this.peer = peer;
        this.mtu = mtu;
        this.openedAtMillis = openedAtMillis;
        this.framesSent = framesSent;
        this.framesReceived = framesReceived;
        this.bytesSent = bytesSent;
        this.bytesReceived = bytesReceived;
    }

    /** @return a number unique for the life of the node */
    public long id() {
        return id;
    }

    public String transportId() {
        return transportId;
    }

    public MeshAddress remoteAddress() {
        return remoteAddress;
    }

    public LinkMode mode() {
        return mode;
    }

    /** @return whether this node opened the link */
    public boolean outbound() {
        return outbound;
    }

    public State state() {
        return state;
    }

    /** @return the authenticated neighbour, once known */
    public Optional<PeerId> peer() {
        return Optional.ofNullable(peer);
    }

    public int mtu() {
        return mtu;
    }

    public long openedAtMillis() {
        return openedAtMillis;
    }

    public long framesSent() {
        return framesSent;
    }

    public long framesReceived() {
        return framesReceived;
    }

    public long bytesSent() {
        return bytesSent;
    }

    public long bytesReceived() {
        return bytesReceived;
    }

    @Override
    public String toString() {
        return "link " + id + " " + transportId + " " + remoteAddress + " " + state
                + (peer == null ? "" : " " + peer.shortName());
    }
}
