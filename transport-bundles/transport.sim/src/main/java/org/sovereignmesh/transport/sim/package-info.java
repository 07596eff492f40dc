/**
 * A simulated radio medium, for tests and the simulator: stations join a {@link
 * org.sovereignmesh.transport.sim.RadioMedium} at a position with a range and an {@link
 * org.sovereignmesh.transport.sim.AirtimeModel}, and every transmission reaches the stations in range after its
 * airtime unless it collided, was lost or exceeded the station's duty-cycle budget. Radio transports (LoRa) plug a
 * simulated modem into it; the bundle's own transport offers it to a node as a broadcast link.
 */
@Export
@Version("1.0.0")
package org.sovereignmesh.transport.sim;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
