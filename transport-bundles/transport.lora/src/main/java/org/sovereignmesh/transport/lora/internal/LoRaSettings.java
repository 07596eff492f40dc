package org.sovereignmesh.transport.lora.internal;

import java.math.BigDecimal;
import java.time.Duration;

import org.sovereignmesh.api.transport.MeshAddress;

/** A LoRa radio's settings. Immutable; validated on construction. */
public final class LoRaSettings {
    /** LoRa PHY payloads are at most 255 bytes. */
    static final int MTU = 255;

    final long frequencyHz;
    final LoRaModulation modulation;
    final int txPowerDbm;
    final double dutyCycle;
    final int queueLimit;
    final Duration retryInterval;

    /**
     * @param dutyCycle     fraction of any hour the radio may transmit (0.01 for EU 868 MHz g1)
     * @param queueLimit    frames that may wait for airtime or budget
     * @param retryInterval wait before trying an absent or failed modem again
     */
    public LoRaSettings(long frequencyHz, LoRaModulation modulation, int txPowerDbm, double dutyCycle, int queueLimit,
            Duration retryInterval) {
        if (frequencyHz < 137_000_000L || frequencyHz > 1_020_000_000L) {
            throw new IllegalArgumentException("frequency must be 137 to 1020 MHz, got " + frequencyHz + " Hz");
        }
        if (txPowerDbm < -9 || txPowerDbm > 22) {
            throw new IllegalArgumentException("TX power must be -9 to 22 dBm, got " + txPowerDbm);
        }
        if (!(dutyCycle > 0.0 && dutyCycle <= 1.0)) {
            throw new IllegalArgumentException("duty cycle must be in (0, 1], got " + dutyCycle);
        }
        if (queueLimit < 1) {
            throw new IllegalArgumentException("queue limit must be at least 1, got " + queueLimit);
        }
        this.frequencyHz = frequencyHz;
        this.modulation = modulation;
        this.txPowerDbm = txPowerDbm;
        this.dutyCycle = dutyCycle;
        this.queueLimit = queueLimit;
        this.retryInterval = retryInterval;
    }

    /** EU 868 MHz defaults: 868.1 MHz, SF9, 125 kHz, 4/5, 14 dBm, 1 % duty cycle. */
    public static LoRaSettings eu868() {
        return new LoRaSettings(868_100_000L, new LoRaModulation(9, 125_000, 5, 8), 14, 0.01, 32,
                Duration.ofSeconds(10));
    }

    /** @return the channel's address: stations that share it hear each other, e.g. {@code /lora/868.1/sf/9/bw/125} */
    MeshAddress channelAddress() {
        String mhz = BigDecimal.valueOf(frequencyHz).movePointLeft(6).stripTrailingZeros().toPlainString();
        String khz = BigDecimal.valueOf(modulation.bandwidthHz).movePointLeft(3).stripTrailingZeros().toPlainString();
        return MeshAddress.of("lora", mhz).with("sf", Integer.toString(modulation.spreadingFactor)).with("bw", khz);
    }
}
