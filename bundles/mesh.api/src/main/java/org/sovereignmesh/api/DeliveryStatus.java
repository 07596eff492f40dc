package org.sovereignmesh.api;

/** How far a message got when its {@link DeliveryReceipt} was issued. */
public enum DeliveryStatus {
    /** Handed, encrypted, to a link towards the destination; no acknowledgement was asked for. */
    SENT,
    /** The destination acknowledged the message end to end. */
    DELIVERED
}
