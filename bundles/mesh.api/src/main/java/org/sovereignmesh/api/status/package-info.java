/**
 * What a node is doing with traffic, for operators and tools: the routes it knows, the packets it holds, and what
 * became of the messages its applications sent. Read-only snapshots; see
 * {@link org.sovereignmesh.api.status.MeshStatus}.
 */
@Export
@Version("1.0.0")
package org.sovereignmesh.api.status;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
