package org.sovereignmesh.crypto;

/**
 * Input failed a cryptographic check (bad tag, bad signature, replay, malformed message) or keys are unusable. The
 * message says which, for logs; it never contains secret material.
 */
public class CryptoException extends Exception {
    private static final long serialVersionUID = 1L;

    public CryptoException(String message) {
        super(message);
    }

    public CryptoException(String message, Throwable cause) {
        super(message, cause);
    }
}
