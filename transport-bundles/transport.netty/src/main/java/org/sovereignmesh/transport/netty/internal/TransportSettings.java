package org.sovereignmesh.transport.netty.internal;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

import org.sovereignmesh.api.Settings;

/**
 * Settings of one internet transport. Each value comes from, in order: the transport's ConfigAdmin configuration
 * (key as below), the framework property {@code mesh.<medium>.<key>} (so several nodes can share a machine with
 * {@code -Dmesh.tcp.port=4101}), the built-in default. Immutable; tests change it with the {@code with...} copies.
 */
public final class TransportSettings {
    public static final String ENABLED = "enabled";
    public static final String HOST = "host";
    public static final String PORT = "port";
    public static final String MTU = "mtu";
    public static final String IDLE_TIMEOUT = "idleTimeoutSeconds";
    public static final String KEEPALIVE = "keepaliveSeconds";
    public static final String FIRST_FRAME_TIMEOUT = "firstFrameTimeoutSeconds";
    public static final String PARTIAL_FRAME_TIMEOUT = "partialFrameTimeoutSeconds";
    public static final String MAX_PENDING_PER_SOURCE = "maxPendingPerSource";
    public static final String MAX_PENDING = "maxPending";
    public static final String MAX_LINKS = "maxLinks";
    public static final String DATAGRAM_SIZE = "datagramSize";

    /** Largest frame a transport may be configured for: bounds what one peer can make us buffer. */
    public static final int MAX_MTU = 1 << 20;

    public final boolean enabled;
    /** Address to listen on; {@code 0.0.0.0} or {@code ::} for every interface. */
    public final String host;
    /** Port to listen on; 0 picks a free one. */
    public final int port;
    /** Largest frame in bytes; a peer announcing more is cut off before anything is allocated. */
    public final int mtu;
    /** A link that receives nothing (not even a keepalive) for this long is closed. */
    public final Duration idleTimeout;
    /** A link that sent nothing for this long sends a keepalive. */
    public final Duration keepaliveInterval;
    /** A new link must deliver its first whole frame within this time (the upgrade, TLS and the first handshake message included). */
    public final Duration firstFrameTimeout;
    /** A frame whose first byte arrived must be complete within this time (slowloris guard). */
    public final Duration partialFrameTimeout;
    /** Inbound connections from one source IP that have not yet delivered a frame. */
    public final int maxPendingPerSource;
    /** Inbound connections from anywhere that have not yet delivered a frame. */
    public final int maxPending;
    /** Links of this transport, inbound and outbound. */
    public final int maxLinks;
    /** UDP only: largest datagram sent; bigger frames are fragmented. 1200 fits every internet path (as in QUIC). */
    public final int datagramSize;

    private TransportSettings(boolean enabled, String host, int port, int mtu, Duration idleTimeout,
            Duration keepaliveInterval, Duration firstFrameTimeout, Duration partialFrameTimeout,
            int maxPendingPerSource, int maxPending, int maxLinks, int datagramSize) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, got " + port);
        }
        if (mtu < 64 || mtu > MAX_MTU) {
            throw new IllegalArgumentException("mtu must be 64-" + MAX_MTU + ", got " + mtu);
        }
        if (datagramSize < 128 || datagramSize > 65000) {
            throw new IllegalArgumentException("datagramSize must be 128-65000, got " + datagramSize);
        }
        if (maxPendingPerSource < 1 || maxPending < 1 || maxLinks < 1) {
            throw new IllegalArgumentException("connection limits must be at least 1");
        }
        if (keepaliveInterval.isNegative() || keepaliveInterval.isZero() || keepaliveInterval.compareTo(idleTimeout) >= 0) {
            throw new IllegalArgumentException("keepalive (" + keepaliveInterval + ") must be positive and shorter than "
                    + "the idle timeout (" + idleTimeout + ")");
        }
        this.enabled = enabled;
        this.host = host;
        this.port = port;
        this.mtu = mtu;
        this.idleTimeout = idleTimeout;
        this.keepaliveInterval = keepaliveInterval;
        this.firstFrameTimeout = firstFrameTimeout;
        this.partialFrameTimeout = partialFrameTimeout;
        this.maxPendingPerSource = maxPendingPerSource;
        this.maxPending = maxPending;
        this.maxLinks = maxLinks;
        this.datagramSize = datagramSize;
    }

    /** Built-in defaults for a transport listening on every interface at {@code port}. */
    public static TransportSettings defaults(int port) {
        return new TransportSettings(true, "0.0.0.0", port, 65536, Duration.ofSeconds(60), Duration.ofSeconds(20),
                Duration.ofSeconds(15), Duration.ofSeconds(15), 8, 64, 1024, 1200);
    }

    /**
     * @param configuration the component's properties (ConfigAdmin values and component properties)
     * @param frameworkProperty framework properties, for example {@code BundleContext::getProperty}
     * @param medium the property prefix after {@code mesh.}: {@code tcp}, {@code udp}, {@code ws}, {@code quic}
     * @throws IllegalArgumentException naming the bad key
     */
    public static TransportSettings from(Map<String, ?> configuration, Function<String, String> frameworkProperty,
            String medium, int defaultPort) {
        TransportSettings d = defaults(defaultPort);
        Settings in = Settings.of(configuration, frameworkProperty, "mesh." + medium + ".");
        return new TransportSettings(in.bool(ENABLED, d.enabled), in.text(HOST, d.host), in.integer(PORT, d.port),
                in.integer(MTU, d.mtu), in.seconds(IDLE_TIMEOUT, d.idleTimeout),
                in.seconds(KEEPALIVE, d.keepaliveInterval), in.seconds(FIRST_FRAME_TIMEOUT, d.firstFrameTimeout),
                in.seconds(PARTIAL_FRAME_TIMEOUT, d.partialFrameTimeout),
                in.integer(MAX_PENDING_PER_SOURCE, d.maxPendingPerSource), in.integer(MAX_PENDING, d.maxPending),
                in.integer(MAX_LINKS, d.maxLinks), in.integer(DATAGRAM_SIZE, d.datagramSize));
    }

    public TransportSettings withEnabled(boolean value) {
        return new TransportSettings(value, host, port, mtu, idleTimeout, keepaliveInterval, firstFrameTimeout,
                partialFrameTimeout, maxPendingPerSource, maxPending, maxLinks, datagramSize);
    }

    public TransportSettings withListen(String newHost, int newPort) {
        return new TransportSettings(enabled, newHost, newPort, mtu, idleTimeout, keepaliveInterval, firstFrameTimeout,
                partialFrameTimeout, maxPendingPerSource, maxPending, maxLinks, datagramSize);
    }

    public TransportSettings withMtu(int value) {
        return new TransportSettings(enabled, host, port, value, idleTimeout, keepaliveInterval, firstFrameTimeout,
                partialFrameTimeout, maxPendingPerSource, maxPending, maxLinks, datagramSize);
    }

    public TransportSettings withTimeouts(Duration idle, Duration keepalive, Duration firstFrame, Duration partial) {
        return new TransportSettings(enabled, host, port, mtu, idle, keepalive, firstFrame, partial,
                maxPendingPerSource, maxPending, maxLinks, datagramSize);
    }

    public TransportSettings withLimits(int pendingPerSource, int pending, int links) {
        return new TransportSettings(enabled, host, port, mtu, idleTimeout, keepaliveInterval, firstFrameTimeout,
                partialFrameTimeout, pendingPerSource, pending, links, datagramSize);
    }

    public TransportSettings withDatagramSize(int value) {
        return new TransportSettings(enabled, host, port, mtu, idleTimeout, keepaliveInterval, firstFrameTimeout,
                partialFrameTimeout, maxPendingPerSource, maxPending, maxLinks, value);
    }

    @Override
    public String toString() {
        return (enabled ? "" : "disabled, ") + host + ":" + port + " mtu=" + mtu + " idle=" + idleTimeout.toSeconds()
                + "s keepalive=" + keepaliveInterval.toSeconds() + "s pending<=" + maxPendingPerSource + "/source,"
                + maxPending + " links<=" + maxLinks;
    }
}
