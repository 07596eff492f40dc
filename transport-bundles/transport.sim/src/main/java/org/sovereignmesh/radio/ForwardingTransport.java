package org.sovereignmesh.radio;

import java.util.concurrent.CompletionStage;

import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.api.transport.TransportContext;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.api.transport.TransportProfile;

/**
 * A DS component that registers a plain-Java transport built from its configuration: every {@link Transport}
 * method goes to {@link #delegate()}. Not an API: radio transports embed this package.
 */
public abstract class ForwardingTransport implements Transport {

    /** @return the transport built on activation */
    protected abstract Transport delegate();

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
