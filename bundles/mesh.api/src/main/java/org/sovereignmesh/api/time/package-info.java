/**
 * Time for protocol code. Everything that waits, times out or expires takes a
 * {@link org.sovereignmesh.api.time.Scheduler}, so the same classes run on wall-clock time in a node and on
 * virtual time in tests and in the large-scale simulator.
 */
@Export
@Version("1.0.0")
package org.sovereignmesh.api.time;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
