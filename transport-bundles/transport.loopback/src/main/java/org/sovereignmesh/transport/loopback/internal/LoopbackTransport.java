package org.sovereignmesh.transport.loopback.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.api.transport.TransportContext;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.api.transport.TransportProfile;
import org.sovereignmesh.api.transport.TransportState;

/**
 * An endpoint on an in-memory medium, reachable as {@code /<medium>/<name>} ({@code /loopback/node-a} by default).
 * Endpoints of different media never see each other, so a test can give two nodes a fast and a slow medium side
 * by side. Frames travel to the other end after the profile's latency, on the sender's scheduler, in order and
 * without loss. Plain Java: tests construct it directly, OSGi through {@link LoopbackTransportComponent}.
 */
public final class LoopbackTransport implements Transport {
    public static final String DEFAULT_MEDIUM = "loopback";

    private final String id;
    private final String medium;
    private final String name;
    private final TransportProfile profile;
    private final boolean announce;
    private final Set<LoopbackLink> links = ConcurrentHashMap.newKeySet();
    private volatile TransportContext context;

    /**
     * @param announce tell the other endpoints when this one appears, so their nodes may connect
     */
    public LoopbackTransport(String id, String name, TransportProfile profile, boolean announce) {
        this(id, DEFAULT_MEDIUM, name, profile, announce);
    }

    /**
     * @param medium the address protocol of this medium, for example {@code "loopback"}
     * @param announce tell the other endpoints of the medium when this one appears, so their nodes may connect
     */
    public LoopbackTransport(String id, String medium, String name, TransportProfile profile, boolean announce) {
        this.id = id;
        this.medium = medium;
        this.name = name;
        this.profile = profile;
        this.announce = announce;
        MeshAddress.of(medium, name); // validates both
    }

    public MeshAddress address() {
        return MeshAddress.of(medium, name);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public TransportProfile profile() {
        return profile;
    }

    @Override
    public boolean supports(MeshAddress address) {
        return medium.equals(address.firstProtocol()) && address.protocols().size() == 1;
    }

    @Override
    public synchronized void start(TransportContext newContext) throws TransportException {
        if (context != null) {
            throw new TransportException("loopback endpoint " + name + " is already started");
        }
        context = newContext;
        if (!LoopbackHub.register(address(), this)) {
            context = null;
            throw new TransportException("loopback address " + address() + " is already taken in this JVM");
        }
        newContext.localAddressesChanged(List.of(address()));
        newContext.stateChanged(TransportState.ACTIVE, "");
    }

    @Override
    public void stop() {
        synchronized (this) {
            if (context == null) {
                return;
            }
            LoopbackHub.unregister(address(), this);
            context = null;
        }
        for (LoopbackLink link : links) {
            link.close();
        }
    }

    @Override
    public CompletionStage<Link> connect(MeshAddress address) {
        TransportContext ours = context;
        if (ours == null) {
            return CompletableFuture.failedFuture(new TransportException("loopback endpoint " + name + " is stopped"));
        }
        if (!supports(address)) {
            return CompletableFuture.failedFuture(new TransportException("not a loopback address: " + address));
        }
        LoopbackTransport remote = LoopbackHub.lookup(address);
        TransportContext theirs = remote == null ? null : remote.context;
        if (theirs == null) {
            return CompletableFuture.failedFuture(new TransportException("no loopback endpoint at " + address));
        }
        LoopbackLink local = new LoopbackLink(this, remote.address(), ours.scheduler());
        LoopbackLink peer = new LoopbackLink(remote, address(), theirs.scheduler());
        LoopbackLink.pair(local, peer);
        links.add(local);
        remote.links.add(peer);
        theirs.incomingLink(peer);
        return CompletableFuture.completedFuture(local);
    }

    void endpointAppeared(MeshAddress other) {
        TransportContext ours = context;
        if (ours != null && announce && other.firstProtocol().equals(medium)) {
            ours.neighbourDiscovered(other);
        }
    }

    void forget(LoopbackLink link) {
        links.remove(link);
    }

    int linkCount() {
        return links.size();
    }
}
