package org.sovereignmesh.core.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.sovereignmesh.api.transport.FrameReceiver;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.LinkMode;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.api.transport.TransportContext;
import org.sovereignmesh.api.transport.TransportProfile;

/** A transport driven by the test: it plays the neighbour, frame by frame, to probe how the node copes. */
final class ScriptedTransport implements Transport {
    TransportContext context;
    private final LinkMode mode;

    ScriptedTransport() {
        this(LinkMode.DUPLEX);
    }

    ScriptedTransport(LinkMode mode) {
        this.mode = mode;
    }

    @Override
    public String id() {
        return "scripted";
    }

    @Override
    public TransportProfile profile() {
        return TransportProfile.builder().mtu(4096).build();
    }

    @Override
    public boolean supports(MeshAddress address) {
        return address.firstProtocol().equals("scripted");
    }

    @Override
    public void start(TransportContext newContext) {
        this.context = newContext;
    }

    @Override
    public void stop() {
        context = null;
    }

    @Override
    public CompletionStage<Link> connect(MeshAddress address) {
        return CompletableFuture.completedFuture(new ScriptedLink(address, mode));
    }

    ScriptedLink accept(String name) {
        ScriptedLink link = new ScriptedLink(MeshAddress.of("scripted", name), mode);
        context.incomingLink(link);
        return link;
    }

    static final class ScriptedLink implements Link {
        final MeshAddress remote;
        final LinkMode mode;
        final List<byte[]> sent = new CopyOnWriteArrayList<>();
        volatile FrameReceiver receiver;
        volatile boolean closed;

        ScriptedLink(MeshAddress remote, LinkMode mode) {
            this.remote = remote;
            this.mode = mode;
        }

        @Override
        public MeshAddress remoteAddress() {
            return remote;
        }

        @Override
        public LinkMode mode() {
            return mode;
        }

        @Override
        public int mtu() {
            return 4096;
        }

        @Override
        public void start(FrameReceiver frameReceiver) {
            this.receiver = frameReceiver;
        }

        @Override
        public CompletionStage<Void> send(byte[] frame) {
            sent.add(frame);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
            closed = true;
        }

        void receive(byte[] frame) {
            receiver.frameReceived(frame);
        }
    }
}
