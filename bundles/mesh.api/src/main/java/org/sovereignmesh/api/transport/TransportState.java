package org.sovereignmesh.api.transport;

/** The condition of a transport's medium, as reported through {@link TransportContext#stateChanged}. */
public enum TransportState {
    /** Tracked, being started. */
    STARTING,
    /** Up: can carry frames. */
    ACTIVE,
    /** Up but impaired: duty-cycle budget exhausted, link quality poor, queues full. */
    DEGRADED,
    /** Down for now (adapter missing, interface down); the transport keeps trying. */
    UNAVAILABLE,
    /** {@link Transport#start(TransportContext)} failed; see the detail. */
    FAILED,
    /** Stopped by the core. */
    STOPPED
}
