/**
 * Transport conformance kit (TCK). An integrator subclasses {@link org.sovereignmesh.transport.tck.TransportTck},
 * supplies a {@link org.sovereignmesh.transport.tck.TransportFixture} that creates transports able to reach each
 * other, and inherits the tests every transport must pass. Everything runs on one
 * {@link org.sovereignmesh.time.VirtualScheduler}, so time-dependent checks are exact and fast.
 */
@Export
@Version("1.1.0")
package org.sovereignmesh.transport.tck;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
