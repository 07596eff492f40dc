package org.sovereignmesh.core.internal;

import java.util.ArrayList;
import java.util.List;

import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.api.transport.TransportContext;
import org.sovereignmesh.api.transport.TransportInfo;
import org.sovereignmesh.api.transport.TransportState;

/**
 * One tracked transport and the context the node gave it. Callbacks hop onto the node loop; once the transport is
 * removed its context goes dead and late callbacks are ignored.
 */
final class TransportSlot implements TransportContext {
    final Transport transport;
    final String id;
    final String provider;
    private final MeshNode node;

    // loop-confined
    TransportState state = TransportState.STARTING;
    String stateDetail = "";
    List<MeshAddress> localAddresses = List.of();
    final List<LinkSession> links = new ArrayList<>();
    boolean removed;

    TransportSlot(MeshNode node, Transport transport, String provider) {
        this.node = node;
        this.transport = transport;
        this.id = transport.id();
        this.provider = provider;
    }

    TransportInfo info() {
        return new TransportInfo(id, provider, transport.profile(), state, stateDetail, localAddresses, links.size());
    }

    @Override
    public Scheduler scheduler() {
        return node.scheduler();
    }

    @Override
    public void incomingLink(Link link) {
        node.scheduler().execute(() -> node.linkOpened(this, link, false, null, null));
    }

    @Override
    public void neighbourDiscovered(MeshAddress address) {
        node.scheduler().execute(() -> node.neighbourDiscovered(this, address));
    }

    @Override
    public void stateChanged(TransportState newState, String detail) {
        node.scheduler().execute(() -> node.transportStateChanged(this, newState, detail));
    }

    @Override
    public void localAddressesChanged(List<MeshAddress> addresses) {
        List<MeshAddress> copy = List.copyOf(addresses);
        node.scheduler().execute(() -> node.transportAddressesChanged(this, copy));
    }
}
