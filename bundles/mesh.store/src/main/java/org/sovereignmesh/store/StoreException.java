package org.sovereignmesh.store;

/**
 * The store could not do what was asked. The message is meant for the operator: it names the store's directory and
 * says what to do (for example "in use by another process", "damaged: restore from a backup or move it aside").
 * Unchecked, because every store method can fail for reasons (disk full, damaged files) the caller cannot avoid.
 */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why an operation failed, for callers that react differently (for example refuse to start). */
    public enum Reason {
        /** Another process holds the store. */
        LOCKED,
        /** Files of the store are damaged or were altered. */
        CORRUPTED,
        /** The store cannot be decrypted with this node's keys (another node's store, or a changed key store). */
        WRONG_KEY,
        /** The store was closed. */
        CLOSED,
        /** The argument was refused (too large, malformed). */
        INVALID_ARGUMENT,
        /** Anything else: I/O errors, a full disk. */
        IO
    }

    private final Reason reason;

    public StoreException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public StoreException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** @return the kind of failure */
    public Reason reason() {
        return reason;
    }
}
