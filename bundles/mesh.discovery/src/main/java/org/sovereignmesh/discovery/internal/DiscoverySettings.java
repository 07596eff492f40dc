package org.sovereignmesh.discovery.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

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
        Function<String, String> raw = key -> {
            Object configured = configuration.get(key);
            if (configured instanceof String[]) {
                configured = String.join(",", (String[]) configured);
            } else if (configured instanceof Collection) {
                configured = String.join(",", ((Collection<?>) configured).stream().map(String::valueOf).toList());
            }
            if (configured != null && !String.valueOf(configured).isBlank()) {
                return String.valueOf(configured).strip();
            }
            String property = frameworkProperty.apply("mesh.discovery." + key);
            return property == null || property.isBlank() ? null : property.strip();
        };
        String v;
        if ((v = raw.apply("multicast")) != null) {
            s.multicast = Boolean.parseBoolean(v);
        }
        if ((v = raw.apply("group")) != null) {
            s.group = v;
        }
        if ((v = raw.apply("port")) != null) {
            s.port = Integer.parseInt(v);
        }
        if ((v = raw.apply("interfaces")) != null) {
            s.interfaces = split(v);
        }
        if ((v = raw.apply("ttl")) != null) {
            s.ttl = Integer.parseInt(v);
        }
        if ((v = raw.apply("intervalSeconds")) != null) {
            s.interval = Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
        }
        if ((v = raw.apply("seeds")) != null) {
            List<MeshAddress> seeds = new ArrayList<>();
            for (String text : split(v)) {
                seeds.add(MeshAddress.parse(text));
            }
            s.seeds = List.copyOf(seeds);
        }
        if ((v = raw.apply("peerCache")) != null) {
            s.peerCache = Boolean.parseBoolean(v);
        }
        if (s.port < 1 || s.port > 65535 || s.ttl < 0 || s.ttl > 255 || s.interval.toMillis() < 100) {
            throw new IllegalArgumentException("discovery settings out of range: port " + s.port + ", ttl " + s.ttl
                    + ", interval " + s.interval);
        }
        return s;
    }

    private static List<String> split(String list) {
        List<String> parts = new ArrayList<>();
        for (String part : list.split("[,\\s]+")) {
            if (!part.isBlank()) {
                parts.add(part.strip());
            }
        }
        return List.copyOf(parts);
    }
}
