/**
 * Serial ports for transports that talk to a device: {@link org.sovereignmesh.serial.SerialPorts} (an OSGi
 * service) opens a {@link org.sovereignmesh.serial.SerialLine}; received bytes arrive at a
 * {@link org.sovereignmesh.serial.SerialListener} on the port's reader thread. Writes never block the caller.
 */
@Export
@Version("1.0.0")
package org.sovereignmesh.serial;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
