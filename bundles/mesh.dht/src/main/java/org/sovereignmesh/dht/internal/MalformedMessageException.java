package org.sovereignmesh.dht.internal;

/** Bytes that are not a valid DHT message; the message says what is wrong. */
public final class MalformedMessageException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String message) {
        super(message);
    }
}
