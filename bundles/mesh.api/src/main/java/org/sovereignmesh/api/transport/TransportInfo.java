package org.sovereignmesh.api.transport;

import java.util.List;
import java.util.Objects;

/** A snapshot of one tracked transport. Immutable. */
public final class TransportInfo {
    private final String id;
    private final String provider;
    private final TransportProfile profile;
    private final TransportState state;
    private final String stateDetail;
    private final List<MeshAddress> localAddresses;
    private final int linkCount;

    /**
     * @param provider who registered the transport, for example {@code "mesh.transport.tcp 1.0.0"}
     */
    public TransportInfo(String id, String provider, TransportProfile profile, TransportState state,
            String stateDetail, List<MeshAddress> localAddresses, int linkCount) {
        this.id = Objects.requireNonNull(id, "id");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.profile = Objects.requireNonNull(profile, "profile");
        this.state = Objects.requireNonNull(state, "state");
        this.stateDetail = stateDetail == null ? "" : stateDetail;
        this.localAddresses = List.copyOf(localAddresses);
        this.linkCount = linkCount;
    }

    public String id() {
        return id;
    }

    public String provider() {
        return provider;
    }

    public TransportProfile profile() {
        return profile;
    }

    public TransportState state() {
        return state;
    }

    /** @return why the transport is in its state, or an empty string */
    public String stateDetail() {
        return stateDetail;
    }

    public List<MeshAddress> localAddresses() {
        return localAddresses;
    }

    public int linkCount() {
        return linkCount;
    }

    @Override
    public String toString() {
        return id + " " + state + " " + localAddresses + " links=" + linkCount;
    }
}
