/**
 * The node's distributed hash table: signed records found by key without any server, and rendezvous (find any
 * peer by its id, or the peers of a region).
 *
 * <p>{@link org.sovereignmesh.dht.Dht} is registered as an OSGi service. Keys are 32 bytes
 * ({@link org.sovereignmesh.dht.Dht#key(String)} makes one from a name); every record is signed by its publisher and
 * verified by everyone who stores or reads it.
 */
@Export
@Version("1.0.0")
package org.sovereignmesh.dht;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
