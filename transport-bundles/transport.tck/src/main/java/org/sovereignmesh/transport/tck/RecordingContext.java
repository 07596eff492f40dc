package org.sovereignmesh.transport.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.TransportContext;
import org.sovereignmesh.api.transport.TransportState;

/**
 * A {@link TransportContext} that records everything a transport reports. Incoming links are kept unstarted; the
 * test decides when to start them. Thread-safe.
 */
public final class RecordingContext implements TransportContext {
    private final Scheduler scheduler;
    private final List<Link> incoming = new CopyOnWriteArrayList<>();
    private final List<MeshAddress> neighbours = new CopyOnWriteArrayList<>();
    private final List<TransportState> states = new CopyOnWriteArrayList<>();
    private final List<String> details = new CopyOnWriteArrayList<>();
    private volatile List<MeshAddress> localAddresses = List.of();

    public RecordingContext(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public void incomingLink(Link link) {
        incoming.add(link);
    }

    @Override
    public void neighbourDiscovered(MeshAddress address) {
        neighbours.add(address);
    }

    @Override
    public void stateChanged(TransportState state, String detail) {
        states.add(state);
        details.add(detail == null ? "" : detail);
    }

    @Override
    public void localAddressesChanged(List<MeshAddress> addresses) {
        localAddresses = List.copyOf(addresses);
    }

    public List<Link> incomingLinks() {
        return new ArrayList<>(incoming);
    }

    public List<MeshAddress> neighbours() {
        return new ArrayList<>(neighbours);
    }

    public List<TransportState> states() {
        return new ArrayList<>(states);
    }

    /** @return the last reported state, or {@code null} if none was reported */
    public TransportState state() {
        return states.isEmpty() ? null : states.get(states.size() - 1);
    }

    /** @return the detail that came with the last reported state */
    public String stateDetail() {
        return details.isEmpty() ? "" : details.get(details.size() - 1);
    }

    public List<MeshAddress> localAddresses() {
        return localAddresses;
    }
}
