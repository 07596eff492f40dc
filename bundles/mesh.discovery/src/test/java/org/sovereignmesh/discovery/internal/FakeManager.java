package org.sovereignmesh.discovery.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.transport.LinkInfo;
import org.sovereignmesh.api.transport.LinkMode;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.api.transport.TransportInfo;
import org.sovereignmesh.api.transport.TransportManager;
import org.sovereignmesh.api.transport.TransportProfile;
import org.sovereignmesh.api.transport.TransportState;

/** A TransportManager whose transports, links and connect outcomes the test decides; records every connect. */
final class FakeManager implements TransportManager {
    final List<TransportInfo> transports = new CopyOnWriteArrayList<>();
    final List<LinkInfo> links = new CopyOnWriteArrayList<>();
    final List<MeshAddress> connects = new CopyOnWriteArrayList<>();
    final List<Long> connectTimes = new CopyOnWriteArrayList<>();
    /** Decides each connect: a peer id to succeed with (link added), or null to fail. */
    Function<MeshAddress, PeerId> outcome = a -> a.peer().orElse(null);
    java.util.function.LongSupplier clock = () -> 0;
    private long nextLink = 1;

    void transport(String id, String... addresses) {
        List<MeshAddress> list = new ArrayList<>();
        for (String a : addresses) {
            list.add(MeshAddress.parse(a));
        }
        transports.add(new TransportInfo(id, "test", TransportProfile.builder().build(), TransportState.ACTIVE, "",
                list, 0));
    }

    @Override
    public List<TransportInfo> transports() {
        return List.copyOf(transports);
    }

    @Override
    public List<LinkInfo> links() {
        return List.copyOf(links);
    }

    @Override
    public CompletionStage<LinkInfo> connect(MeshAddress address) {
        connects.add(address);
        connectTimes.add(clock.getAsLong());
        PeerId peer = outcome.apply(address);
        if (peer == null) {
            return CompletableFuture.failedFuture(new TransportException("refused"));
        }
        String transportId = transports.stream().filter(t -> t.localAddresses().stream()
                .anyMatch(l -> Discovery.shape(l).equals(Discovery.shape(address)))).map(TransportInfo::id)
                .findFirst().orElse("tcp");
        LinkInfo link = new LinkInfo(nextLink++, transportId, address.withoutPeer(), LinkMode.DUPLEX, true,
                LinkInfo.State.ESTABLISHED, peer, 65536, 0, 0, 0, 0, 0);
        links.add(link);
        return CompletableFuture.completedFuture(link);
    }
}
