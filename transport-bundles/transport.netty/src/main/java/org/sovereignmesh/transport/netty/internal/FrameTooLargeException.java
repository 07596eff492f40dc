package org.sovereignmesh.transport.netty.internal;

import java.io.IOException;

/** A peer announced a frame longer than the link's MTU; the connection is closed before anything is allocated. */
public final class FrameTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    public FrameTooLargeException(long announced, int mtu) {
        super("peer announced a frame of " + announced + " bytes, above the MTU of " + mtu + " bytes");
    }
}
