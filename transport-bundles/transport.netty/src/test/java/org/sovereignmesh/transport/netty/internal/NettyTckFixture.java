package org.sovereignmesh.transport.netty.internal;

import java.time.Duration;
import java.util.function.BiFunction;

import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.time.VirtualScheduler;
import org.sovereignmesh.transport.tck.TransportFixture;

/**
 * The conformance kit's fixture for an internet transport: transports on 127.0.0.1 with free ports, real sockets (so
 * the kit runs in real-time steps), and timeouts long enough that the kit's virtual minutes never close a link it is
 * still using.
 */
public final class NettyTckFixture implements TransportFixture {
    /**
     * Long enough for any link the kit leaves silent, short enough that a connect to a stopped neighbour (a QUIC
     * handshake nobody answers) fails within the kit's patience.
     */
    static final Duration FIRST_FRAME = Duration.ofMinutes(10);

    private final BiFunction<String, TransportSettings, Transport> factory;
    private final String medium;

    private final boolean connectionless;

    public NettyTckFixture(String medium, BiFunction<String, TransportSettings, Transport> factory) {
        this(medium, factory, false);
    }

    /** @param connectionless UDP: one link per address pair, and a connect cannot know whether anyone listens */
    public NettyTckFixture(String medium, BiFunction<String, TransportSettings, Transport> factory,
            boolean connectionless) {
        this.medium = medium;
        this.factory = factory;
        this.connectionless = connectionless;
    }

    @Override
    public boolean connectionless() {
        return connectionless;
    }

    @Override
    public Transport create(int index, VirtualScheduler clock) {
        TransportSettings settings = TransportSettings.defaults(0).withListen("127.0.0.1", 0).withMtu(8192)
                .withTimeouts(Duration.ofDays(1), Duration.ofHours(1), FIRST_FRAME, Duration.ofDays(1));
        return factory.apply(medium + "-" + index, settings);
    }

    @Override
    public boolean realTime() {
        return true;
    }
}
