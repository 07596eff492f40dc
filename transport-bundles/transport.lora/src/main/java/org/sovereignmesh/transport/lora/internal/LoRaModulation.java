package org.sovereignmesh.transport.lora.internal;

/**
 * LoRa modulation parameters and their exact time on air, by the Semtech formula (SX1276 datasheet 4.1.1.7,
 * AN1200.13): {@code T = (n_preamble + 4.25) Tsym + (8 + max(ceil((8 PL - 4 SF + 28 + 16 CRC - 20 IH) /
 * (4 (SF - 2 DE))) (CR + 4), 0)) Tsym} with {@code Tsym = 2^SF / BW}. Immutable.
 */
public final class LoRaModulation {
    static final long[] BANDWIDTHS = {7_800, 10_400, 15_600, 20_800, 31_250, 41_700, 62_500, 125_000, 250_000,
        500_000};

    final int spreadingFactor;
    final long bandwidthHz;
    /** 5 to 8, meaning coding rate 4/5 to 4/8. */
    final int codingRate;
    final int preambleSymbols;
    final boolean explicitHeader;
    final boolean crc;
    final boolean lowDataRateOptimize;

    /** Explicit header and CRC on (what RNode uses), low-data-rate optimisation when a symbol lasts 16 ms or more. */
    public LoRaModulation(int spreadingFactor, long bandwidthHz, int codingRate, int preambleSymbols) {
        this(spreadingFactor, bandwidthHz, codingRate, preambleSymbols, true, true,
                (1L << spreadingFactor) * 1000 >= 16 * bandwidthHz);
    }

    public LoRaModulation(int spreadingFactor, long bandwidthHz, int codingRate, int preambleSymbols,
            boolean explicitHeader, boolean crc, boolean lowDataRateOptimize) {
        if (spreadingFactor < 6 || spreadingFactor > 12) {
            throw new IllegalArgumentException("spreading factor must be 6 to 12, got " + spreadingFactor);
        }
        boolean known = false;
        for (long bw : BANDWIDTHS) {
            known |= bw == bandwidthHz;
        }
        if (!known) {
            throw new IllegalArgumentException("bandwidth must be one of the LoRa bandwidths (7800 ... 500000 Hz), got "
                    + bandwidthHz);
        }
        if (codingRate < 5 || codingRate > 8) {
            throw new IllegalArgumentException("coding rate must be 5 to 8 (4/5 to 4/8), got " + codingRate);
        }
        if (preambleSymbols < 6 || preambleSymbols > 65535) {
            throw new IllegalArgumentException("preamble must be 6 to 65535 symbols, got " + preambleSymbols);
        }
        this.spreadingFactor = spreadingFactor;
        this.bandwidthHz = bandwidthHz;
        this.codingRate = codingRate;
        this.preambleSymbols = preambleSymbols;
        this.explicitHeader = explicitHeader;
        this.crc = crc;
        this.lowDataRateOptimize = lowDataRateOptimize;
    }

    /** @return symbols on air for {@code payloadBytes}, times four (the preamble adds a quarter symbol) */
    long quarterSymbols(int payloadBytes) {
        if (payloadBytes < 0 || payloadBytes > 255) {
            throw new IllegalArgumentException("LoRa payloads are 0 to 255 bytes, got " + payloadBytes);
        }
        int de = lowDataRateOptimize ? 1 : 0;
        int ih = explicitHeader ? 0 : 1;
        int numerator = 8 * payloadBytes - 4 * spreadingFactor + 28 + (crc ? 16 : 0) - 20 * ih;
        int denominator = 4 * (spreadingFactor - 2 * de);
        int blocks = Math.max(0, (numerator + denominator - 1) / denominator);
        if (numerator <= 0) {
            blocks = 0;
        }
        long payloadSymbols = 8L + (long) blocks * codingRate;
        return 4L * preambleSymbols + 17 + 4 * payloadSymbols;
    }

    /** @return exact time on air of {@code payloadBytes}, in nanoseconds (rounded to the nearest) */
    public long airtimeNanos(int payloadBytes) {
        long q = quarterSymbols(payloadBytes);
        long numerator = q * (1L << spreadingFactor) * 1_000_000_000L;
        long denominator = 4 * bandwidthHz;
        return (numerator + denominator / 2) / denominator;
    }

    @Override
    public String toString() {
        return "SF" + spreadingFactor + " BW" + bandwidthHz / 1000.0 + "kHz CR4/" + codingRate + " preamble "
                + preambleSymbols + (lowDataRateOptimize ? " LDRO" : "");
    }
}
