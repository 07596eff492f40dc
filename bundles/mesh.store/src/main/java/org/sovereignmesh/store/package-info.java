/**
 * The node's persistent store, behind a small API so the embedded engine can be replaced.
 *
 * <p>{@link org.sovereignmesh.store.MeshStore} (an OSGi service) hands out named
 * {@link org.sovereignmesh.store.KeyValueStore key/value maps}, named
 * {@link org.sovereignmesh.store.RecordQueue ordered queues}, the {@link org.sovereignmesh.store.DhtRecordStore
 * DHT record table} and the {@link org.sovereignmesh.store.PeerCache peer cache}. Every write is committed durably
 * before the method returns; every value is encrypted at rest with keys derived from the node's key store. All
 * methods are thread-safe and may block on disk I/O: never call them from a protocol event loop.
 * Failures are {@link org.sovereignmesh.store.StoreException}s with a message meant for the operator.
 */
@Export
@Version("1.0.0")
package org.sovereignmesh.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
