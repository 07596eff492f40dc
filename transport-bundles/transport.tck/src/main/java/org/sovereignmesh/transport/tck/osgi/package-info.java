/**
 * Checks for transport bundles inside a running node (Pax Exam or any in-framework test): installing, starting,
 * stopping, updating and uninstalling a transport bundle, with or without a factory configuration, must each be
 * seen by the core's {@link org.sovereignmesh.api.transport.TransportManager}. Plain OSGi: no JUnit needed.
 */
@Export
@Version("1.0.0")
package org.sovereignmesh.transport.tck.osgi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
