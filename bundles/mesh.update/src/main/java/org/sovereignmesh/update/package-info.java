/**
 * Signed updates over the mesh.
 *
 * <ul>
 * <li>{@link org.sovereignmesh.update.UpdateAgent}: the node's update agent, registered as a service. An operator
 * node publishes bundles as an update signed with its key for a target group; nodes that trust that key and belong
 * to the group fetch the update over the mesh in verified, resumable chunks, install it through the framework and
 * roll it back if it fails to resolve, start or pass its health checks.</li>
 * <li>{@link org.sovereignmesh.update.HealthCheck}: a whiteboard service other bundles register to take part in
 * deciding whether a freshly installed update is healthy.</li>
 * </ul>
 */
@Export
@Version("1.0.0")
package org.sovereignmesh.update;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
