package org.sovereignmesh.simulator.internal;

import java.util.Arrays;

import org.sovereignmesh.dht.internal.LookupResult;

/** Figures of one measured phase: success, hops, latency percentiles, traffic. */
final class Stats {
    final String phase;
    int attempted;
    int succeeded;
    private int[] hops = new int[64];
    private long[] latencyNanos = new long[64];
    private int count;
    long bytes;
    long rpcs;

    Stats(String phase) {
        this.phase = phase;
    }

    void add(LookupResult r, boolean success) {
        attempted++;
        bytes += r.bytesSent() + r.bytesReceived();
        rpcs += r.rpcs();
        if (!success) {
            return;
        }
        succeeded++;
        if (count == hops.length) {
            hops = Arrays.copyOf(hops, count * 2);
            latencyNanos = Arrays.copyOf(latencyNanos, count * 2);
        }
        hops[count] = r.hops();
        latencyNanos[count] = r.durationNanos();
        count++;
    }

    double successRatio() {
        return attempted == 0 ? 0 : (double) succeeded / attempted;
    }

    double meanHops() {
        return count == 0 ? 0 : Arrays.stream(hops, 0, count).average().orElse(0);
    }

    int hopsPercentile(double p) {
        int[] sorted = Arrays.copyOf(hops, count);
        Arrays.sort(sorted);
        return count == 0 ? 0 : sorted[Math.min(count - 1, (int) Math.ceil(p * count) - 1)];
    }

    long latencyMillisPercentile(double p) {
        long[] sorted = Arrays.copyOf(latencyNanos, count);
        Arrays.sort(sorted);
        return count == 0 ? 0 : sorted[Math.min(count - 1, Math.max(0, (int) Math.ceil(p * count) - 1))] / 1_000_000;
    }

    long bytesPerLookup() {
        return attempted == 0 ? 0 : bytes / attempted;
    }

    double rpcsPerLookup() {
        return attempted == 0 ? 0 : (double) rpcs / attempted;
    }

    static String header() {
        return String.format("%-22s %8s %8s %6s %5s %5s %5s %8s %8s %8s %9s %7s", "phase", "lookups", "success",
                "hops", "p50", "p90", "max", "lat-p50", "lat-p90", "lat-p99", "bytes/lkp", "rpc/lkp");
    }

    String row() {
        return String.format("%-22s %8d %7.2f%% %6.2f %5d %5d %5d %6dms %6dms %6dms %9d %7.1f", phase, attempted,
                100 * successRatio(), meanHops(), hopsPercentile(0.5), hopsPercentile(0.9), hopsPercentile(1.0),
                latencyMillisPercentile(0.5), latencyMillisPercentile(0.9), latencyMillisPercentile(0.99),
                bytesPerLookup(), rpcsPerLookup());
    }
}
