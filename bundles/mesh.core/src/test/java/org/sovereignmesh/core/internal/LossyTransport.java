package org.sovereignmesh.core.internal;

import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.FrameReceiver;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.LinkMode;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.api.transport.TransportContext;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.api.transport.TransportProfile;
import org.sovereignmesh.api.transport.TransportState;

/**
 * Wraps a transport so that a share of the frames it sends vanish (seeded, so runs repeat). The sender still sees
 * them as sent, as on a real lossy medium. The loss rate can change while the test runs.
 */
final class LossyTransport implements Transport {
    private final Transport inner;
    private final Random random;
    volatile double lossRate;

    LossyTransport(Transport inner, double lossRate, long seed) {
        this.inner = inner;
        this.lossRate = lossRate;
        this.random = new Random(seed);
    }

    Transport inner() {
        return inner;
    }

    @Override
    public String id() {
        return inner.id();
    }

    @Override
    public TransportProfile profile() {
        return inner.profile().toBuilder().lossy(true).build();
    }

    @Override
    public boolean supports(MeshAddress address) {
        return inner.supports(address);
    }

    @Override
    public void start(TransportContext context) throws TransportException {
        inner.start(new TransportContext() {
            public Scheduler scheduler() {
                return context.scheduler();
            }

            public void incomingLink(Link link) {
                context.incomingLink(wrap(link));
            }

            public void neighbourDiscovered(MeshAddress address) {
                context.neighbourDiscovered(address);
            }

            public void stateChanged(TransportState state, String detail) {
                context.stateChanged(state, detail);
            }

            public void localAddressesChanged(List<MeshAddress> addresses) {
                context.localAddressesChanged(addresses);
            }
        });
    }

    @Override
    public void stop() {
        inner.stop();
    }

    @Override
    public CompletionStage<Link> connect(MeshAddress address) {
        return inner.connect(address).thenApply(this::wrap);
    }

    private Link wrap(Link link) {
        return new Link() {
            public MeshAddress remoteAddress() {
                return link.remoteAddress();
            }

            public LinkMode mode() {
                return link.mode();
            }

            public int mtu() {
                return link.mtu();
            }

            public void start(FrameReceiver receiver) {
                link.start(receiver);
            }

            public CompletionStage<Void> send(byte[] frame) {
                boolean lose;
                synchronized (random) {
                    lose = random.nextDouble() < lossRate;
                }
                return lose ? CompletableFuture.completedFuture(null) : link.send(frame);
            }

            public void close() {
                link.close();
            }
        };
    }
}
