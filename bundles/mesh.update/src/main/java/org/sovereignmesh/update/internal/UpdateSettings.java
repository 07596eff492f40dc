package org.sovereignmesh.update.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.sovereignmesh.api.PeerId;

/**
 * Settings of the update agent. Each value comes from the ConfigAdmin configuration (PID
 * {@code org.sovereignmesh.update}, key as below), else the framework property {@code mesh.update.<key>}, else the
 * default. Immutable once built.
 */
final class UpdateSettings {
    /** Publisher keys whose updates this node accepts. */
    Set<PeerId> trusted = Set.of();
    /** Groups this node belongs to: it accepts updates for these targets only. */
    Set<String> groups = Set.of();
    /** Nodes to ask for updates; empty: the trusted publishers themselves. */
    Set<PeerId> sources = Set.of();
    /** How often the node asks its sources. */
    Duration poll = Duration.ofMinutes(60);
    /** Largest update this node fetches, in bytes. */
    long maxUpdateBytes = 64L << 20;
    /** Chunk size of updates this node publishes. */
    int chunkSize = 32 * 1024;
    /** Chunks requested and not yet received, per update being fetched. */
    int window = 8;
    /** How long an installed update has to become healthy, and how long it must stay healthy to count. */
    Duration healthTimeout = Duration.ofSeconds(60);
    Duration healthSettle = Duration.ofSeconds(3);
    /** First wait for a requested chunk; each further request of the same chunk waits twice as long, up to the maximum. */
    Duration chunkTimeout = Duration.ofSeconds(15);
    Duration maxChunkTimeout = Duration.ofMinutes(1);

    Set<PeerId> sourcesOrTrusted() {
        return sources.isEmpty() ? trusted : sources;
    }

    static UpdateSettings from(Map<String, ?> configuration, Function<String, String> frameworkProperty) {
        UpdateSettings s = new UpdateSettings();
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
            String property = frameworkProperty.apply("mesh.update." + key);
            return property == null || property.isBlank() ? null : property.strip();
        };
        String v;
        if ((v = raw.apply("trusted")) != null) {
            s.trusted = peers("trusted", v);
        }
        if ((v = raw.apply("groups")) != null) {
            Set<String> groups = new LinkedHashSet<>();
            for (String g : split(v)) {
                groups.add(Manifest.requireName("group", g));
            }
            s.groups = Set.copyOf(groups);
        }
        if ((v = raw.apply("sources")) != null) {
            s.sources = peers("sources", v);
        }
        if ((v = raw.apply("pollMinutes")) != null) {
            s.poll = Duration.ofMillis(Math.round(number("pollMinutes", v, 0.05, 7 * 24 * 60) * 60_000));
        }
        if ((v = raw.apply("maxUpdateMiB")) != null) {
            s.maxUpdateBytes = Math.round(number("maxUpdateMiB", v, 1, 4096) * (1 << 20));
        }
        if ((v = raw.apply("chunkKiB")) != null) {
            s.chunkSize = (int) Math.min(Manifest.MAX_CHUNK_SIZE,
                    Math.round(number("chunkKiB", v, 1, 60) * 1024));
        }
        if ((v = raw.apply("window")) != null) {
            s.window = (int) number("window", v, 1, 64);
        }
        if ((v = raw.apply("healthTimeoutSeconds")) != null) {
            s.healthTimeout = Duration.ofMillis(Math.round(number("healthTimeoutSeconds", v, 1, 3600) * 1000));
        }
        if ((v = raw.apply("healthSettleSeconds")) != null) {
            s.healthSettle = Duration.ofMillis(Math.round(number("healthSettleSeconds", v, 0, 600) * 1000));
        }
        if ((v = raw.apply("chunkTimeoutSeconds")) != null) {
            s.chunkTimeout = Duration.ofMillis(Math.round(number("chunkTimeoutSeconds", v, 0.1, 600) * 1000));
        }
        return s;
    }

    private static double number(String key, String value, double min, double max) {
        double d;
        try {
            d = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("update setting " + key + ": not a number: " + value);
        }
        if (d < min || d > max) {
            throw new IllegalArgumentException("update setting " + key + " must be " + min + " to " + max + ", got " + value);
        }
        return d;
    }

    private static Set<PeerId> peers(String key, String value) {
        Set<PeerId> peers = new LinkedHashSet<>();
        for (String p : split(value)) {
            try {
                peers.add(PeerId.parse(p));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("update setting " + key + ": " + e.getMessage());
            }
        }
        return Set.copyOf(peers);
    }

    static List<String> split(String list) {
        List<String> parts = new ArrayList<>();
        for (String part : list.split("[,\\s]+")) {
            if (!part.isBlank()) {
                parts.add(part.strip());
            }
        }
        return parts;
    }
}
