/**
 * The application API of a Sovereign Mesh node.
 *
 * <p>Applications address other nodes by {@link org.sovereignmesh.api.PeerId} only; they never name a
 * medium. {@link org.sovereignmesh.api.MeshNetwork#send(PeerId, byte[])} hands a payload to the mesh,
 * and {@link org.sovereignmesh.api.MessageHandler} services (a whiteboard) receive what arrives.
 */
@Export
@Version("1.1.0")
package org.sovereignmesh.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
