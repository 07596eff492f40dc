package org.sovereignmesh.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives messages addressed to this node. Register implementations as OSGi services (whiteboard).
 *
 * <p>The service property {@value #CHANNEL_PROPERTY} (a string or string array) selects the channels the
 * handler receives; {@code "*"} selects all. Without the property a handler receives the
 * {@link MeshNetwork#DEFAULT_CHANNEL} only.
 *
 * <p>Calls are made one at a time per handler, from a node thread: a handler should return quickly and hand
 * long work to its own executor.
 *
 * <p>A reliable message ({@link SendOptions#reliable()}) is acknowledged to its sender only after every handler of
 * its channel returned normally, so a handler that keeps what it receives should keep it before returning. A
 * handler that throws has not handled the message: it is not acknowledged, the sender sends it again later, and
 * every handler of the channel gets it again (handlers must tolerate seeing a message twice in that case).
 */
@ConsumerType
@FunctionalInterface
public interface MessageHandler {

    /** Service property naming the channels a handler receives. */
    String CHANNEL_PROPERTY = "mesh.channel";

    /** Value of {@link #CHANNEL_PROPERTY} that selects every channel. */
    String ALL_CHANNELS = "*";

    void messageReceived(MeshMessage message);
}
