package org.sovereignmesh.transport.netty.internal;

import java.util.concurrent.CompletionStage;

import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.api.transport.TransportContext;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.api.transport.TransportProfile;

/**
 * Base of the DS components: the component builds the plain-Java transport from its configuration in its activate
 * method and this class forwards the {@link Transport} calls to it.
 */
public abstract class DelegatingTransport implements Transport {
    protected volatile Transport delegate;

    private Transport delegate() {
        Transport current = delegate;
        if (current == null) {
            throw new IllegalStateException("transport component is not active");
        }
        return current;
    }

    /** Stops the transport; call from the component's deactivate method. */
    protected void stopDelegate() {
        Transport current = delegate;
        if (current != null) {
            current.stop();
        }
    }

    @Override
    public String id() {
        return delegate().id();
    }

    @Override
    public TransportProfile profile() {
        return delegate().profile();
    }

    @Override
    public boolean supports(MeshAddress address) {
        return delegate().supports(address);
    }

    @Override
    public void start(TransportContext context) throws TransportException {
        delegate().start(context);
    }

    @Override
    public void stop() {
        delegate().stop();
    }

    @Override
    public CompletionStage<Link> connect(MeshAddress address) {
        return delegate().connect(address);
    }
}
