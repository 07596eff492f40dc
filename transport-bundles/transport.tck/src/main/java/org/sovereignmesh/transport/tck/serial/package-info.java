/**
 * Serial lines for tests of serial transports: an in-memory port on the virtual scheduler, to which a test
 * attaches a simulated device (modem, radio). Its deliveries are chunked at random, as real UARTs do.
 */
@Export
@Version("1.0.0")
package org.sovereignmesh.transport.tck.serial;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
