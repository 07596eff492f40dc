package org.sovereignmesh.api.transport;

/** Which way frames flow on a {@link Link}. */
public enum LinkMode {
    /** Frames flow both ways between this node and one neighbour. */
    DUPLEX,
    /** This node can only send (for example: exporting to removable media). */
    SEND_ONLY,
    /** This node can only receive (for example: importing from removable media). */
    RECEIVE_ONLY,
    /** A shared medium: a sent frame reaches every neighbour in range, and frames from any of them arrive. */
    BROADCAST
}
