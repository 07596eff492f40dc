package org.sovereignmesh.update;

import java.util.Objects;

import org.sovereignmesh.api.PeerId;

/** What one node reported to the publisher about an update. Immutable. */
public final class PeerReport {
    private final PeerId peer;
    private final UpdateState state;
    private final String detail;
    private final long bytesDone;
    private final long bytesTotal;
    private final long reportedMillis;

    public PeerReport(PeerId peer, UpdateState state, String detail, long bytesDone, long bytesTotal,
            long reportedMillis) {
        this.peer = Objects.requireNonNull(peer, "peer");
        this.state = Objects.requireNonNull(state, "state");
        this.detail = detail == null ? "" : detail;
        this.bytesDone = bytesDone;
        this.bytesTotal = bytesTotal;
        this.reportedMillis = reportedMillis;
    }

    public PeerId peer() {
        return peer;
    }

    public UpdateState state() {
        return state;
    }

    /** @return why the node is in its state (a refusal or failure reason), or an empty string */
    public String detail() {
        return detail;
    }

    /** @return bytes the node has fetched and verified */
    public long bytesDone() {
        return bytesDone;
    }

    /** @return bytes the node has to fetch in all (bundles it already had are not counted) */
    public long bytesTotal() {
        return bytesTotal;
    }

    /** @return when the publisher received the report, from its clock */
    public long reportedMillis() {
        return reportedMillis;
    }

    @Override
    public String toString() {
        return peer.shortName() + " " + state + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
