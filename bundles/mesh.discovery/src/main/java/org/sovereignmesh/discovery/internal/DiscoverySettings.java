package org.sovereignmesh.discovery.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.sovereignmesh.api.Settings;
import org.sovereignmesh.api.transport.MeshAddress;

/**
 * Settings of discovery. Each value comes from the ConfigAdmin configuration (PID {@code org.sovereignmesh.discovery},
 * key as below), else the framework property {@code mesh.discovery.<key>}, else the default. Immutable.
 */
final class DiscoverySettings {
    /** Multicast announcements on the LAN (seeds and the peer cache work either way). */
    boolean multicast = true;
    /** Administratively scoped (RFC 2365) group: never routed beyond the site. */
    String group = "239.255.77.77";
    int port = 4000;
    /** Interface names to announce and listen on; empty: every interface that is up and multicast-capable, and loopback. */
    List<String> interfaces = List.of();
    /** Hops a multicast announcement may travel: 1 keeps it on the local link. */
    int ttl = 1;
    Duration interval = Duration.ofSeconds(5);
    /** Addresses to connect to at start and whenever their link is gone, with or without /p2p/. */
    List<MeshAddress> seeds = List.of();
    boolean peerCache = true;
    Duration firstRetry = Duration.ofSeconds(1);
    Duration maxRetry = Duration.ofSeconds(60);

    static DiscoverySettings from(Map<String, ?> configuration, Function<String, String> frameworkProperty) {
        DiscoverySettings s = new DiscoverySettings();
        Settings in = Settings.of(configuration, frameworkProperty, "mesh.discovery.");
        s.multicast = in.bool("multicast", s.multicast);
        s.group = in.text("group", s.group);
        s.port = in.integer("port", s.port);
        if (in.text("interfaces") != null) {
            s.interfaces = in.list("interfaces");
        }
        s.ttl = in.integer("ttl", s.ttl);
        s.interval = in.seconds("intervalSeconds", s.interval);
        List<MeshAddress> seeds = new ArrayList<>();
        for (String text : in.list("seeds")) {
            seeds.add(MeshAddress.parse(text));
        }
        if (!seeds.isEmpty()) {
            s.seeds = List.copyOf(seeds);
        }
        s.peerCache = in.bool("peerCache", s.peerCache);
        if (s.port < 1 || s.port > 65535 || s.ttl < 0 || s.ttl > 255 || s.interval.toMillis() < 100) {
            throw new IllegalArgumentException("discovery settings out of range: port " + s.port + ", ttl " + s.ttl
                    + ", interval " + s.interval);
        }
        return s;
    }
}
