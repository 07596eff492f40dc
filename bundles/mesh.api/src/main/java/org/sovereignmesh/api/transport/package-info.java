/**
 * The transport SPI: how a medium plugs into a node.
 *
 * <p>A transport moves frames and nothing else. It never encrypts, authenticates or routes: the core does that
 * above every medium, the same way for all of them. To add a medium, register a {@link
 * org.sovereignmesh.api.transport.Transport} service; the core's {@link
 * org.sovereignmesh.api.transport.TransportManager} tracks it dynamically, calls {@code start} with a {@link
 * org.sovereignmesh.api.transport.TransportContext}, and from then on the transport reports links, neighbours,
 * state and local addresses through that context.
 *
 * <p>Vocabulary: a <em>duplex</em> transport supports interactive round trips on a link (so the core runs a
 * handshake on it); a <em>simplex</em> one does not (one-way media, or links too slow or costly for a
 * handshake: the core seals every packet instead). <em>Settings</em> are a transport's local configuration
 * (ConfigAdmin); <em>addresses</em> are what it tells others so they can reach it.
 */
@Export
@Version("1.1.0")
package org.sovereignmesh.api.transport;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
