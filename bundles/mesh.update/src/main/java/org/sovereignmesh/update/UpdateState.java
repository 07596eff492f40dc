package org.sovereignmesh.update;

/** Where an update stands on one node. */
public enum UpdateState {
    /** Published by this node: offered to every node that asks. */
    PUBLISHED,
    /** Offered to this node and refused; the detail says why (unsigned, untrusted, tampered, downgrade, target...). */
    REFUSED,
    /** Accepted; its bundles are being fetched. */
    DOWNLOADING,
    /** Fetched and verified; waiting for its turn to install. */
    READY,
    /** Being installed, started and health-checked. */
    INSTALLING,
    /** Installed and healthy: part of the node's installed set. */
    INSTALLED,
    /** Installed and undone: it failed to resolve, start or pass a health check, or the operator rolled it back. */
    ROLLED_BACK,
    /** Could not be fetched (the source lost it, or served corrupt data); a new offer starts over. */
    FAILED,
    /** A newer version of the same update arrived before this one was installed. */
    SUPERSEDED;

    /** @return whether nothing more happens to the update on this node unless it is offered again */
    public boolean isFinal() {
        return this == REFUSED || this == INSTALLED || this == ROLLED_BACK || this == FAILED || this == SUPERSEDED;
    }
}
