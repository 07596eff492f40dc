package org.sovereignmesh.update;

import java.util.List;
import java.util.Objects;

import org.sovereignmesh.api.PeerId;

/** A snapshot of one update as this node knows it: published here, or offered to it. Immutable. */
public final class UpdateInfo {
    private final String id;
    private final String name;
    private final String version;
    private final String targetGroup;
    private final PeerId publisher;
    private final List<String> bundles;
    private final UpdateState state;
    private final String detail;
    private final long bytesDone;
    private final long bytesTotal;
    private final long updatedMillis;
    private final List<PeerReport> reports;

    /**
     * @param bundles "symbolic-name version" of each bundle the update carries
     * @param reports what other nodes reported about the update (for updates this node published), else empty
     */
    public UpdateInfo(String id, String name, String version, String targetGroup, PeerId publisher,
            List<String> bundles, UpdateState state, String detail, long bytesDone, long bytesTotal,
            long updatedMillis, List<PeerReport> reports) {
        this.id = Objects.requireNonNull(id, "id");
        this.name = Objects.requireNonNull(name, "name");
        this.version = Objects.requireNonNull(version, "version");
        this.targetGroup = Objects.requireNonNull(targetGroup, "targetGroup");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.bundles = List.copyOf(bundles);
        this.state = Objects.requireNonNull(state, "state");
        this.detail = detail == null ? "" : detail;
        this.bytesDone = bytesDone;
        this.bytesTotal = bytesTotal;
        this.updatedMillis = updatedMillis;
        this.reports = List.copyOf(reports);
    }

    /** @return the update's identifier: SHA-256 of its signed manifest, in hex (64 characters) */
    public String id() {
        return id;
    }

    /** @return the name the publisher gave the update; versions of one name replace each other */
    public String name() {
        return name;
    }

    /** @return the update's version (OSGi syntax) */
    public String version() {
        return version;
    }

    /** @return the group of nodes the update is meant for */
    public String targetGroup() {
        return targetGroup;
    }

    /** @return the key that signed the update */
    public PeerId publisher() {
        return publisher;
    }

    /** @return "symbolic-name version" of each bundle */
    public List<String> bundles() {
        return bundles;
    }

    public UpdateState state() {
        return state;
    }

    /** @return why the update is in its state (the reason of a refusal, failure or rollback), or an empty string */
    public String detail() {
        return detail;
    }

    /** @return bytes fetched and verified so far */
    public long bytesDone() {
        return bytesDone;
    }

    /** @return bytes to fetch in all */
    public long bytesTotal() {
        return bytesTotal;
    }

    /** @return when the state last changed, from this node's clock */
    public long updatedMillis() {
        return updatedMillis;
    }

    /** @return reports from the nodes the update was offered to, for updates this node published */
    public List<PeerReport> reports() {
        return reports;
    }

    @Override
    public String toString() {
        return name + " " + version + " [" + id.substring(0, 12) + "] " + state + (detail.isEmpty() ? "" : ": " + detail);
    }
}
