package org.sovereignmesh.api.status;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A read-only view of a node's routing state, registered by the core bundle next to
 * {@link org.sovereignmesh.api.MeshNetwork}. Every method returns a consistent snapshot taken on the node's own
 * thread; none changes anything.
 */
@ProviderType
public interface MeshStatus {

    /** @return the next hops this node knows: its neighbours, and destinations it learned a way to from traffic */
    List<RouteInfo> routes();

    /** @return the packets waiting in this node for a next hop, in the order they will be tried per destination */
    List<QueuedPacket> queued();

    /**
     * @param max how many to return at most
     * @return the messages this node's applications sent, the most recently changed first; the history holds every
     *         message still on its way and a bounded number of finished ones
     */
    List<DeliveryInfo> deliveries(int max);

    /** @param messageId the identifier a {@link org.sovereignmesh.api.DeliveryReceipt} or {@link #deliveries} gave */
    Optional<DeliveryInfo> delivery(String messageId);
}
