/**
 * The two {@link org.sovereignmesh.api.time.Scheduler} implementations every part of the project shares:
 * {@link org.sovereignmesh.time.SystemScheduler} (wall clock, one event-loop thread) and
 * {@link org.sovereignmesh.time.VirtualScheduler} (discrete-event virtual time for tests and the simulator).
 * A small library, not a service: components create the scheduler they own.
 */
@Export
@Version("1.1.0")
package org.sovereignmesh.time;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
