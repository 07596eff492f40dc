package org.sovereignmesh.simulator.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The parameters of one simulation run, from the command line. */
public final class Scenario {
    public int nodes = 1000;
    public int lookups = 1000;
    public int records = 200;
    public int minLatencyMillis = 10;
    public int maxLatencyMillis = 150;
    public double loss = 0.01;
    public double churn = 0.0;
    public Duration churnPeriod = Duration.ofMinutes(10);
    public int joinRatePerSecond = 500;
    public int concurrentLookups = 50;
    public int k = 20;
    public int alpha = 3;
    public Duration rpcTimeout = Duration.ofSeconds(2);
    public boolean refreshOnJoin = true;
    public boolean realCrypto = false;
    public long seed = 1;

    static final String USAGE = """
            usage: java -jar mesh-simulator.jar [options]
              --nodes N            DHT nodes (default 1000)
              --lookups N          find-peer lookups to measure (default 1000)
              --records N          records put, then each read by another node (default 200)
              --latency MIN-MAX    one-way latency range in ms; each node draws a base delay, a message takes the sum
                                   of both ends' (default 10-150)
              --loss P             probability a message is lost (default 0.01)
              --churn F            fraction of nodes that leave (and as many new ones join) during the churn phase,
                                   with lookups running meanwhile; 0 = no churn phase (default 0)
              --churn-minutes M    length of the churn phase in virtual minutes (default 10)
              --join-rate R        nodes joining per virtual second while building (default 500)
              --concurrency C      lookups in flight at once (default 50)
              --k K --alpha A      Kademlia parameters (default 20, 3)
              --rpc-timeout-ms T   request timeout (default 2000)
              --no-join-refresh    join with the self-lookup only (skip refreshing far buckets)
              --real-crypto        Ed25519 records (default: a same-size simulated signature, to save CPU and memory)
              --seed S             random seed (default 1)
            """;

    static Scenario parse(String[] args) {
        Scenario s = new Scenario();
        List<String> a = new ArrayList<>(List.of(args));
        for (int i = 0; i < a.size(); i++) {
            String option = a.get(i);
            switch (option) {
                case "--nodes" -> s.nodes = Integer.parseInt(value(a, ++i, option));
                case "--lookups" -> s.lookups = Integer.parseInt(value(a, ++i, option));
                case "--records" -> s.records = Integer.parseInt(value(a, ++i, option));
                case "--latency" -> {
                    String[] range = value(a, ++i, option).split("-");
                    s.minLatencyMillis = Integer.parseInt(range[0]);
                    s.maxLatencyMillis = Integer.parseInt(range.length > 1 ? range[1] : range[0]);
                }
                case "--loss" -> s.loss = Double.parseDouble(value(a, ++i, option));
                case "--churn" -> s.churn = Double.parseDouble(value(a, ++i, option));
                case "--churn-minutes" -> s.churnPeriod = Duration.ofMinutes(Long.parseLong(value(a, ++i, option)));
                case "--join-rate" -> s.joinRatePerSecond = Integer.parseInt(value(a, ++i, option));
                case "--concurrency" -> s.concurrentLookups = Integer.parseInt(value(a, ++i, option));
                case "--k" -> s.k = Integer.parseInt(value(a, ++i, option));
                case "--alpha" -> s.alpha = Integer.parseInt(value(a, ++i, option));
                case "--rpc-timeout-ms" -> s.rpcTimeout = Duration.ofMillis(Long.parseLong(value(a, ++i, option)));
                case "--no-join-refresh" -> s.refreshOnJoin = false;
                case "--real-crypto" -> s.realCrypto = true;
                case "--seed" -> s.seed = Long.parseLong(value(a, ++i, option));
                default -> throw new IllegalArgumentException("unknown option " + option + "\n" + USAGE);
            }
        }
        if (s.nodes < 2 || s.minLatencyMillis < 0 || s.maxLatencyMillis < s.minLatencyMillis || s.loss < 0
                || s.loss >= 1 || s.churn < 0 || s.churn >= 1 || s.joinRatePerSecond < 1 || s.concurrentLookups < 1) {
            throw new IllegalArgumentException("parameters out of range\n" + USAGE);
        }
        return s;
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
        }
        return args.get(i);
    }

    @Override
    public String toString() {
        return "nodes=" + nodes + " lookups=" + lookups + " records=" + records + " latency=" + minLatencyMillis + "-"
                + maxLatencyMillis + "ms loss=" + loss + " churn=" + churn + " (" + churnPeriod.toMinutes() + " min)"
                + " k=" + k + " alpha=" + alpha + " rpcTimeout=" + rpcTimeout.toMillis() + "ms joinRefresh="
                + refreshOnJoin + " crypto=" + (realCrypto ? "ed25519" : "simulated") + " seed=" + seed;
    }
}
