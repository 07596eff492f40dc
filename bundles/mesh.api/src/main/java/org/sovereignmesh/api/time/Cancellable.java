package org.sovereignmesh.api.time;

import org.osgi.annotation.versioning.ProviderType;

/** A scheduled task that can still be called off. */
@ProviderType
@FunctionalInterface
public interface Cancellable {

    /**
     * Prevents future runs of the task. Harmless if it already ran or was cancelled.
     *
     * @return whether this call prevented at least one run
     */
    boolean cancel();
}
