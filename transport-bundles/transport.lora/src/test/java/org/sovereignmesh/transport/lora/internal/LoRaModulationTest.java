package org.sovereignmesh.transport.lora.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class LoRaModulationTest {

    @Test
    void timeOnAirMatchesEveryPublishedReferenceValue() throws Exception {
        List<String[]> rows = Vectors.rows("lora-airtime-reference.csv", ",");
        assertTrue(rows.size() >= 26, "all reference rows read, got " + rows.size());
        for (String[] r : rows) {
            int payload = Integer.parseInt(r[0]);
            int sf = Integer.parseInt(r[1]);
            long bw = Long.parseLong(r[2]) * 1000;
            int cr = Integer.parseInt(r[3].substring(2));
            boolean ldro = r[4].equals("1");
            boolean explicit = r[5].equals("1");
            double expectedMillis = Double.parseDouble(r[6]);
            LoRaModulation m = new LoRaModulation(sf, bw, cr, 8, explicit, true, ldro);
            assertEquals(expectedMillis, m.airtimeNanos(payload) / 1e6, 0.0005, String.join(",", r));
            assertEquals(ldro, new LoRaModulation(sf, bw, cr, 8).lowDataRateOptimize,
                    "low-data-rate optimisation is chosen automatically as in the reference: " + String.join(",", r));
        }
    }

    @Test
    void implicitHeaderShortensAndLongerPreamblesLengthenTheFrame() {
        LoRaModulation explicit = new LoRaModulation(7, 125_000, 5, 8, true, true, false);
        LoRaModulation implicit = new LoRaModulation(7, 125_000, 5, 8, false, true, false);
        LoRaModulation noCrc = new LoRaModulation(7, 125_000, 5, 8, true, false, false);
        LoRaModulation longPreamble = new LoRaModulation(7, 125_000, 5, 18, true, true, false);
        // 16 bytes: explicit 51.456 ms (reference); 20 header bits fewer or 16 CRC bits fewer drop one 5-symbol block
        assertEquals(51_456_000, explicit.airtimeNanos(16));
        assertEquals(46_336_000, implicit.airtimeNanos(16));
        assertEquals(46_336_000, noCrc.airtimeNanos(16));
        assertEquals(51_456_000 + 10 * 1_024_000, longPreamble.airtimeNanos(16), "ten more preamble symbols of 1.024 ms");
        assertEquals(8 * 4 + 17 + 4 * (8 + 5), explicit.quarterSymbols(0), "an empty payload still needs one block for header and CRC");
    }

    @Test
    void invalidParametersAreRefusedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LoRaModulation(13, 125_000, 5, 8))
                .getMessage().contains("spreading factor"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LoRaModulation(9, 100_000, 5, 8))
                .getMessage().contains("bandwidth"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LoRaModulation(9, 125_000, 4, 8))
                .getMessage().contains("coding rate"));
        assertThrows(IllegalArgumentException.class, () -> new LoRaModulation(9, 125_000, 5, 8).airtimeNanos(256));
    }
}
