package org.sovereignmesh.update.internal;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.Settings;

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
        Settings in = Settings.of(configuration, frameworkProperty, "mesh.update.");
        s.trusted = peers("trusted", in.list("trusted"));
        Set<String> groups = new LinkedHashSet<>();
        for (String g : in.list("groups")) {
            groups.add(Manifest.requireName("group", g));
        }
        s.groups = Set.copyOf(groups);
        s.sources = peers("sources", in.list("sources"));
        s.poll = minutes(within(in, "pollMinutes", s.poll.toMillis() / 60_000.0, 0.05, 7 * 24 * 60));
        s.maxUpdateBytes = Math.round(within(in, "maxUpdateMiB", s.maxUpdateBytes / 1048576.0, 1, 4096) * (1 << 20));
        s.chunkSize = (int) Math.min(Manifest.MAX_CHUNK_SIZE, Math.round(within(in, "chunkKiB", s.chunkSize / 1024.0, 1, 60) * 1024));
        s.window = (int) within(in, "window", s.window, 1, 64);
        s.healthTimeout = seconds(within(in, "healthTimeoutSeconds", s.healthTimeout.toMillis() / 1000.0, 1, 3600));
        s.healthSettle = seconds(within(in, "healthSettleSeconds", s.healthSettle.toMillis() / 1000.0, 0, 600));
        s.chunkTimeout = seconds(within(in, "chunkTimeoutSeconds", s.chunkTimeout.toMillis() / 1000.0, 0.1, 600));
        return s;
    }

    private static double within(Settings in, String key, double fallback, double min, double max) {
        double d = in.number(key, fallback);
        if (d < min || d > max) {
            throw new IllegalArgumentException("update setting " + key + " must be " + min + " to " + max + ", got " + d);
        }
        return d;
    }

    private static Duration minutes(double minutes) {
        return Duration.ofMillis(Math.round(minutes * 60_000));
    }

    private static Duration seconds(double seconds) {
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    private static Set<PeerId> peers(String key, List<String> values) {
        Set<PeerId> peers = new LinkedHashSet<>();
        for (String p : values) {
            try {
                peers.add(PeerId.parse(p));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("update setting " + key + ": " + e.getMessage());
            }
        }
        return Set.copyOf(peers);
    }
}
