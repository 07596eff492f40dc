package org.sovereignmesh.simulator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * A small scenario of the real simulator, so {@code mvn verify} exercises it: 1,000 nodes with loss and a 20% churn
 * phase. The big runs are a command (see the README); figures are printed, never asserted as speed.
 */
class SimulatorTest {

    @Test
    void aThousandNodesFindEachOtherInFewHopsEvenUnderChurn() {
        Scenario scenario = Scenario.parse(new String[] {"--nodes", "1000", "--lookups", "500", "--records", "100",
            "--churn", "0.2", "--churn-minutes", "5", "--loss", "0.01", "--seed", "7"});
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<Stats> results = new Simulator(scenario, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
        String text = printed.toString(StandardCharsets.UTF_8);
        assertEquals(3, results.size(), text);
        Stats find = results.get(0);
        assertEquals(500, find.attempted);
        assertTrue(find.successRatio() >= 0.99, text);
        assertTrue(find.meanHops() > 1 && find.meanHops() < 5, "log-scale hops: " + text);
        Stats records = results.get(1);
        assertTrue(records.successRatio() >= 0.98, text);
        Stats churn = results.get(2);
        assertTrue(churn.attempted > 100, text);
        assertTrue(churn.successRatio() >= 0.95, text);
        assertTrue(find.bytesPerLookup() > 0 && find.latencyMillisPercentile(0.99) > 0, text);
        assertTrue(text.contains("bytes per node"), text);
        assertTrue(text.contains("% churn"), text);
    }

    @Test
    void realEd25519RecordsWorkTheSame() {
        Scenario scenario = Scenario.parse(new String[] {"--nodes", "200", "--lookups", "100", "--records", "30",
            "--real-crypto", "--loss", "0"});
        List<Stats> results = new Simulator(scenario, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).run();
        assertEquals(1.0, results.get(0).successRatio());
        assertEquals(1.0, results.get(1).successRatio());
    }

    @Test
    void badOptionsAreRefusedWithTheUsage() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Scenario.parse(new String[] {"--bogus"}));
        assertTrue(e.getMessage().contains("usage: java -jar mesh-simulator.jar"));
    }
}
