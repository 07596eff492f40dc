package org.sovereignmesh.api.transport;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.sovereignmesh.api.time.Scheduler;

/**
 * The core's side of a started {@link Transport}: how the transport reports what happens on its medium.
 * Implemented by the core. All methods are thread-safe, never block, and may be called from any thread.
 */
@ProviderType
public interface TransportContext {

    /**
     * @return the node's clock and scheduler; transports use it for all timing (timeouts, duty-cycle accounting)
     *         so the same code runs on virtual time in simulation. Scheduled tasks must not block.
     */
    Scheduler scheduler();

    /** A neighbour opened a link to this node, or the medium produced a new link of its own (broadcast, import). */
    void incomingLink(Link link);

    /**
     * The transport learned of a neighbour it could {@link Transport#connect(MeshAddress) connect} to (scan result,
     * announcement). The core decides whether to connect.
     */
    void neighbourDiscovered(MeshAddress address);

    /**
     * @param detail why, for people (for example "no Bluetooth adapter"); may be empty
     */
    void stateChanged(TransportState state, String detail);

    /** The addresses other nodes can use to reach this node on this medium (listening sockets, radio channels). */
    void localAddressesChanged(List<MeshAddress> addresses);
}
