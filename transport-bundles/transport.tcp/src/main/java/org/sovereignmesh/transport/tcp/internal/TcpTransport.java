package org.sovereignmesh.transport.tcp.internal;

import java.time.Duration;

import org.sovereignmesh.api.transport.TransportProfile;
import org.sovereignmesh.transport.netty.internal.StreamTransport;
import org.sovereignmesh.transport.netty.internal.TransportSettings;

/**
 * TCP: one connection per link, frames as {@code length:u32 | bytes} (see {@code LengthPrefixedFrameCodec}).
 * Addresses {@code /ip4/<a>/tcp/<port>}, {@code /ip6/<a>/tcp/<port>}, {@code /dns/<name>/tcp/<port>}. Plain Java:
 * tests construct it directly, OSGi through {@link TcpTransportComponent}.
 */
public final class TcpTransport extends StreamTransport {
    public static final int DEFAULT_PORT = 4001;

    public TcpTransport(String id, TransportSettings settings) {
        super(id, settings, profile(settings));
    }

    /** Reliable, ordered, duplex; nominal LAN figures (the benchmark command measures real ones). */
    static TransportProfile profile(TransportSettings settings) {
        return TransportProfile.builder().duplex(true).lossy(false).mtu(settings.mtu).bitrate(1_000_000_000L)
                .latency(Duration.ofMillis(1)).cost(0).build();
    }
}
