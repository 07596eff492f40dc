package org.sovereignmesh.update.internal;

/** Bytes that are not a well-formed update, update message or update file; the message says what is wrong. */
final class MalformedUpdateException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedUpdateException(String message) {
        super(message);
    }
}
