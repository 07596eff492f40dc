package org.sovereignmesh.dht.internal;

/**
 * How a {@link DhtNode} reaches others: one-way messages. Answers come back through {@link DhtNode#receive}; a
 * message that cannot be delivered is either dropped (the request times out) or reported at once with
 * {@link DhtNode#unreachable}. In a node: mesh application messages on the {@code dht} channel; in the simulator: a
 * simulated network on virtual time.
 */
@FunctionalInterface
public interface DhtNetwork {

    /** Sends {@code message} to {@code to}. Never blocks; may be called only from the node's scheduler thread. */
    void send(Contact to, byte[] message);
}
