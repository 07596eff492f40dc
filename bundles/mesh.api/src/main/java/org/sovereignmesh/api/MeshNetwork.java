package org.sovereignmesh.api;

import java.util.Set;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The mesh as an application sees it: send bytes to a peer, receive bytes through {@link MessageHandler}s.
 *
 * <p>Which medium carries a message (TCP, LoRa, a USB stick...) is the node's business, never the caller's.
 * Registered as an OSGi service by the core bundle. All methods are thread-safe and never block, except that a
 * reliable message is stored durably before {@link #submit} returns.
 */
@ProviderType
public interface MeshNetwork {

    /** Channel used by {@link #send(PeerId, byte[])}. */
    String DEFAULT_CHANNEL = "default";

    /** @return this node's identity */
    PeerId localPeer();

    /**
     * Sends {@code payload} to {@code destination} on the {@link #DEFAULT_CHANNEL}.
     *
     * @see #send(PeerId, String, byte[])
     */
    default CompletionStage<DeliveryReceipt> send(PeerId destination, byte[] payload) {
        return send(destination, DEFAULT_CHANNEL, payload);
    }

    /**
     * Hands {@code payload} to the mesh for {@code destination}, best effort. The payload is copied; the caller may
     * reuse the array at once.
     *
     * @param channel the application channel, see {@link MeshMessage#channel()} for the allowed names
     * @see #send(PeerId, String, byte[], SendOptions)
     */
    default CompletionStage<DeliveryReceipt> send(PeerId destination, String channel, byte[] payload) {
        return send(destination, channel, payload, SendOptions.bestEffort());
    }

    /**
     * Hands {@code payload} to the mesh for {@code destination} with the given effort. The payload is sealed for the
     * destination and signed by this node before this method returns; relays see only what routing needs.
     *
     * <p>The stage completes with a receipt whose {@link DeliveryReceipt#status()} is {@link DeliveryStatus#SENT}
     * (best effort: the message left this node) or {@link DeliveryStatus#DELIVERED} (reliable: the destination
     * acknowledged it), or exceptionally with a {@link DeliveryException} saying why not.
     *
     * @throws IllegalArgumentException if the channel name is invalid or the payload is larger than
     *         {@link #maxPayloadSize()}
     */
    default CompletionStage<DeliveryReceipt> send(PeerId destination, String channel, byte[] payload,
            SendOptions options) {
        return submit(destination, channel, payload, options).receipt();
    }

    /**
     * Like {@link #send(PeerId, String, byte[], SendOptions)}, and also says at once which identifier the message
     * got, so callers can follow it (for example in {@link org.sovereignmesh.api.status.MeshStatus}) before its
     * receipt arrives. A reliable message is written to the node's store before this method returns: from then on
     * it survives a crash or restart of this node, which sends it again when it comes back. If it cannot be stored
     * (the store is full or failing) the receipt has already failed with a {@link DeliveryException} saying so.
     *
     * @throws IllegalArgumentException as {@link #send(PeerId, String, byte[], SendOptions)}
     */
    Delivery submit(PeerId destination, String channel, byte[] payload, SendOptions options);

    /** @return the largest payload {@link #send(PeerId, String, byte[])} accepts, in bytes */
    int maxPayloadSize();

    /** @return peers this node currently has at least one established link to */
    Set<PeerId> neighbours();
}
