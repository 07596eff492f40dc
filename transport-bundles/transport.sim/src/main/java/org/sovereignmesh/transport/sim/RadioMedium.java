package org.sovereignmesh.transport.sim;

import org.osgi.annotation.versioning.ProviderType;

/** A shared simulated radio channel. Thread-safe. Registered as an OSGi service with property {@value #NAME}. */
@ProviderType
public interface RadioMedium {
    /** Service property holding {@link #name()}. */
    String NAME = "medium.name";

    /** @return the medium's name, unique within a simulation or framework */
    String name();

    /**
     * Places a station on the medium. It hears every transmission it is in range of.
     *
     * @throws IllegalArgumentException if a station of that name is already on the medium
     */
    RadioStation join(StationSpec spec, RadioReceiver receiver);
}
