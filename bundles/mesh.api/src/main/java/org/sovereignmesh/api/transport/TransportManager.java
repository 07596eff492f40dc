package org.sovereignmesh.api.transport;

import java.util.List;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The core's view of its transports and links, for operators, shells and tests. Registered as an OSGi service by
 * the core; thread-safe; the lists are snapshots.
 */
@ProviderType
public interface TransportManager {

    /** @return every tracked transport, sorted by id */
    List<TransportInfo> transports();

    /** @return every open link, sorted by link id */
    List<LinkInfo> links();

    /**
     * Opens a link to {@code address} through the best started transport that {@link Transport#supports supports}
     * it. If the address names a peer ({@code /p2p/...}), the link is refused unless that peer answers.
     *
     * @return a stage completing with the link once the neighbour is identified, or exceptionally with a
     *         {@link TransportException} saying why not
     */
    CompletionStage<LinkInfo> connect(MeshAddress address);
}
