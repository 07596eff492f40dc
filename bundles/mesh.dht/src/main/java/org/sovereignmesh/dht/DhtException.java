package org.sovereignmesh.dht;

/** A DHT operation failed; the message says why, for people. */
public class DhtException extends Exception {
    private static final long serialVersionUID = 1L;

    public DhtException(String message) {
        super(message);
    }

    public DhtException(String message, Throwable cause) {
        super(message, cause);
    }
}
