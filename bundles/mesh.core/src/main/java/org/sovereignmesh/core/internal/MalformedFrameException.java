package org.sovereignmesh.core.internal;

/** A neighbour sent a frame that breaks the link protocol; the link is closed with this message as the reason. */
final class MalformedFrameException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedFrameException(String message) {
        super(message);
    }
}
