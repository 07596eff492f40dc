package org.sovereignmesh.transport.sim;

import org.osgi.annotation.versioning.ConsumerType;

/** Hears what reaches a station intact. Called on the medium's scheduler; must return quickly. */
@ConsumerType
@FunctionalInterface
public interface RadioReceiver {

    /** A frame that ended its airtime at this station without collision or loss; the array is the receiver's. */
    void received(byte[] frame);
}
