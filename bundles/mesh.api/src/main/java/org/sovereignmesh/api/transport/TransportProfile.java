package org.sovereignmesh.api.transport;

import java.time.Duration;
import java.util.Objects;

/**
 * What a medium can do, as its transport describes it. Routing prefers fast, cheap, reliable links and
 * respects duty-cycle budgets; the core chooses per-link security from {@link #duplex()} and frame sizes from
 * {@link #mtu()}. Immutable; build with {@link #builder()}.
 *
 * <p>Typical values: TCP on a LAN — duplex, MTU 65536, 1 Gbit/s, 1 ms, cost 0, not lossy, duty cycle 1.0;
 * LoRa SF9/125 kHz — simplex, broadcast, MTU 255, 1760 bit/s, 200 ms, cost 0, lossy, duty cycle 0.01.
 */
public final class TransportProfile {
    /** Smallest MTU the core can work with: a sealed packet header plus a useful payload. */
    public static final int MIN_MTU = 64;

    private final boolean duplex;
    private final boolean broadcast;
    private final boolean lossy;
    private final boolean carrier;
    private final int mtu;
    private final long bitrate;
    private final Duration latency;
    private final int cost;
    private final double dutyCycle;

    private TransportProfile(Builder b) {
        this.duplex = b.duplex;
        this.broadcast = b.broadcast;
        this.lossy = b.lossy;
        this.carrier = b.carrier;
        this.mtu = b.mtu;
        this.bitrate = b.bitrate;
        this.latency = b.latency;
        this.cost = b.cost;
        this.dutyCycle = b.dutyCycle;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder preloaded with this profile's values */
    public Builder toBuilder() {
        return new Builder().duplex(duplex).broadcast(broadcast).lossy(lossy).carrier(carrier).mtu(mtu).bitrate(bitrate)
                .latency(latency).cost(cost).dutyCycle(dutyCycle);
    }

    /** @return whether links allow interactive round trips (the core then runs a handshake per link) */
    public boolean duplex() {
        return duplex;
    }

    /** @return whether one transmission reaches every neighbour in range */
    public boolean broadcast() {
        return broadcast;
    }

    /** @return whether frames may be lost, duplicated or reordered (the transport does not retransmit) */
    public boolean lossy() {
        return lossy;
    }

    /**
     * @return whether the medium physically carries data to nodes it cannot name in advance (removable media, data
     *         mules): the node hands it a copy of every message it holds for lack of a path
     */
    public boolean carrier() {
        return carrier;
    }

    /** @return the largest frame in bytes */
    public int mtu() {
        return mtu;
    }

    /** @return nominal bit rate in bits per second */
    public long bitrate() {
        return bitrate;
    }

    /** @return typical one-way latency of a frame */
    public Duration latency() {
        return latency;
    }

    /**
     * @return relative cost of carrying one kilobyte: 0 is free (LAN, radio), larger values are metered (cellular
     *         about 10, satellite about 1000). Unitless; only comparisons matter.
     */
    public int cost() {
        return cost;
    }

    /** @return the fraction of time the node may transmit on this medium: 1.0 unlimited, 0.01 for EU 868 MHz 1% */
    public double dutyCycle() {
        return dutyCycle;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TransportProfile)) {
            return false;
        }
        TransportProfile p = (TransportProfile) o;
        return duplex == p.duplex && broadcast == p.broadcast && lossy == p.lossy && carrier == p.carrier && mtu == p.mtu
                && bitrate == p.bitrate && latency.equals(p.latency) && cost == p.cost
                && Double.compare(dutyCycle, p.dutyCycle) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(duplex, broadcast, lossy, carrier, mtu, bitrate, latency, cost, dutyCycle);
    }

    @Override
    public String toString() {
        return (duplex ? "duplex" : "simplex") + (broadcast ? " broadcast" : "") + (lossy ? " lossy" : "")
                + (carrier ? " carrier" : "")
                + " mtu=" + mtu + " bitrate=" + bitrate + "bit/s latency=" + latency.toMillis() + "ms cost=" + cost
                + (dutyCycle < 1.0 ? " duty=" + dutyCycle : "");
    }

    /** Builds a {@link TransportProfile}; defaults describe a reliable duplex LAN link. */
    public static final class Builder {
        private boolean duplex = true;
        private boolean broadcast;
        private boolean lossy;
        private boolean carrier;
        private int mtu = 65536;
        private long bitrate = 100_000_000L;
        private Duration latency = Duration.ofMillis(1);
        private int cost;
        private double dutyCycle = 1.0;

        private Builder() {
        }

        public Builder duplex(boolean value) {
            this.duplex = value;
            return this;
        }

        public Builder broadcast(boolean value) {
            this.broadcast = value;
            return this;
        }

        public Builder lossy(boolean value) {
            this.lossy = value;
            return this;
        }

        public Builder carrier(boolean value) {
            this.carrier = value;
            return this;
        }

        public Builder mtu(int bytes) {
            if (bytes < MIN_MTU) {
                throw new IllegalArgumentException("mtu " + bytes + " is below the minimum of " + MIN_MTU + " bytes");
            }
            this.mtu = bytes;
            return this;
        }

        public Builder bitrate(long bitsPerSecond) {
            if (bitsPerSecond <= 0) {
                throw new IllegalArgumentException("bitrate must be positive, got " + bitsPerSecond);
            }
            this.bitrate = bitsPerSecond;
            return this;
        }

        public Builder latency(Duration value) {
            if (value == null || value.isNegative()) {
                throw new IllegalArgumentException("latency must be zero or positive, got " + value);
            }
            this.latency = value;
            return this;
        }

        public Builder cost(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("cost must be zero or positive, got " + value);
            }
            this.cost = value;
            return this;
        }

        public Builder dutyCycle(double fraction) {
            if (!(fraction > 0.0 && fraction <= 1.0)) {
                throw new IllegalArgumentException("duty cycle must be in (0, 1], got " + fraction);
            }
            this.dutyCycle = fraction;
            return this;
        }

        public TransportProfile build() {
            return new TransportProfile(this);
        }
    }
}
