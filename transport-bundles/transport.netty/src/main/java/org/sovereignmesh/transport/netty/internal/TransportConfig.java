package org.sovereignmesh.transport.netty.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Settings of an internet transport, as ConfigAdmin shows them (PIDs {@code org.sovereignmesh.transport.tcp},
 * {@code .udp}, {@code .ws}, {@code .quic}). Every attribute is optional: unset, the framework property
 * {@code mesh.<medium>.<attribute>} applies, else the built-in default (see {@link TransportSettings}).
 */
@ObjectClassDefinition(name = "Sovereign Mesh internet transport",
        description = "Listening address and limits of a TCP, UDP, WebSocket or QUIC transport. Unset attributes come "
                + "from the framework property mesh.<medium>.<attribute>, else the built-in default.")
public @interface TransportConfig {
    @AttributeDefinition(required = false, description = "Listen and connect (default true). false: listed as UNAVAILABLE.")
    boolean enabled();

    @AttributeDefinition(required = false, description = "Address to listen on (default 0.0.0.0: every interface).")
    String host();

    @AttributeDefinition(required = false, min = "0", max = "65535",
            description = "Port to listen on (defaults: tcp 4001, udp 4001, ws 4002, quic 4003); 0 picks a free one.")
    int port();

    @AttributeDefinition(required = false, min = "64", max = "1048576",
            description = "Largest frame in bytes (default 65536); a peer announcing more is disconnected.")
    int mtu();

    @AttributeDefinition(required = false, description = "Close a link that receives nothing for this long (default 60).")
    double idleTimeoutSeconds();

    @AttributeDefinition(required = false, description = "Send a keepalive after this long without sending (default 20).")
    double keepaliveSeconds();

    @AttributeDefinition(required = false, description = "A new link must deliver a first frame within this time (default 15).")
    double firstFrameTimeoutSeconds();

    @AttributeDefinition(required = false, description = "A started frame must complete within this time (default 15).")
    double partialFrameTimeoutSeconds();

    @AttributeDefinition(required = false, min = "1",
            description = "Inbound connections from one IP that have not sent a frame yet (default 8).")
    int maxPendingPerSource();

    @AttributeDefinition(required = false, min = "1",
            description = "Inbound connections in total that have not sent a frame yet (default 64).")
    int maxPending();

    @AttributeDefinition(required = false, min = "1", description = "Links of this transport (default 1024).")
    int maxLinks();

    @AttributeDefinition(required = false, min = "128", max = "65000",
            description = "UDP only: largest datagram sent, bigger frames are fragmented (default 1200).")
    int datagramSize();
}
