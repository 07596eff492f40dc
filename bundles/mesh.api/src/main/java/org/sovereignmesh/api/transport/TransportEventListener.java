package org.sovereignmesh.api.transport;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told about transports coming and going and links opening and closing. Register implementations as OSGi services
 * (whiteboard). Events arrive one at a time, in the order they happened, from a node thread: return quickly.
 */
@ConsumerType
@FunctionalInterface
public interface TransportEventListener {

    void transportEvent(TransportEvent event);
}
