package org.sovereignmesh.api;

/** Why a message could not be delivered. Completes the stage returned by {@link MeshNetwork#send}. */
public class DeliveryException extends Exception {
    private static final long serialVersionUID = 1L;

    public DeliveryException(String message) {
        super(message);
    }

    public DeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
