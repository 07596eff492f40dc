package org.sovereignmesh.update;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's update agent. Registered as an OSGi service by the update bundle; thread-safe.
 *
 * <p>As a publisher, the agent signs updates with the node's key and offers them to every node that asks. As a
 * receiver, it accepts an update only if a trusted publisher signed it, it is meant for one of the node's groups,
 * and it moves every bundle it carries forward (never back); it then fetches the update, installs it, and keeps the
 * previous bundles so that a failed or unwanted update is undone.
 */
@ProviderType
public interface UpdateAgent {

    /**
     * Signs {@code bundles} as version {@code version} of the update {@code name} for the nodes of {@code targetGroup},
     * and offers it to every node that asked this one for updates.
     *
     * @param name        1-64 characters [A-Za-z0-9._-]; later versions of one name replace earlier ones
     * @param version     OSGi version, higher than any version of {@code name} published before
     * @param targetGroup 1-64 characters [A-Za-z0-9._-]
     * @param bundles     bundle jars (each with a Bundle-SymbolicName), at least one, each symbolic name once
     * @return the published update
     * @throws IllegalArgumentException saying what is wrong with the arguments or a jar
     * @throws IOException              if a jar cannot be read or the update cannot be stored
     */
    UpdateInfo publish(String name, String version, String targetGroup, List<Path> bundles) throws IOException;

    /**
     * Takes an update from a file written by {@link #export}, for nodes the mesh does not reach (carried on
     * removable media). The update is checked exactly like one that arrived over the mesh.
     *
     * @return the update, in the state the checks put it in ({@link UpdateState#REFUSED} with the reason, or on its
     *         way to being installed)
     * @throws IOException if the file cannot be read or is not an update file
     */
    UpdateInfo importUpdate(Path file) throws IOException;

    /**
     * Writes an update this node has completely (published, or fetched) to a file that {@link #importUpdate} takes.
     *
     * @param id the update's id or an unambiguous prefix of it
     * @throws IllegalArgumentException if no such update is here in full
     */
    void export(String id, Path file) throws IOException;

    /** @return every update this node knows, newest first */
    List<UpdateInfo> updates();

    /** @return the update with this id, or with this unambiguous id prefix */
    Optional<UpdateInfo> update(String id);

    /** @return the bundles installed updates put into the framework, by symbolic name */
    List<ManagedBundle> installed();

    /**
     * Undoes the most recently installed update that is still installed: its bundles go back to what they were
     * before it (the previous jars are kept). Runs asynchronously; follow it with {@link #update(String)}.
     *
     * @return the update being rolled back
     * @throws IllegalStateException if no installed update is left to undo, or an installation is in progress
     */
    UpdateInfo rollback();
}
