package org.sovereignmesh.transport.sim;

import java.util.Objects;

/**
 * Where a station stands and how its radio behaves. A transmission reaches every other station within the
 * sender's {@code range} (same unit as the positions, say metres). Immutable.
 */
public final class StationSpec {
    private final String name;
    private final double x;
    private final double y;
    private final double range;
    private final AirtimeModel airtime;
    private final double dutyCycle;

    /**
     * @param dutyCycle fraction of any one-hour window the station may transmit: 1.0 unlimited, 0.01 for EU 868
     *                  MHz 1 %
     */
    public StationSpec(String name, double x, double y, double range, AirtimeModel airtime, double dutyCycle) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a station needs a name");
        }
        if (!(range >= 0) || Double.isInfinite(range)) {
            throw new IllegalArgumentException("range must be zero or positive, got " + range);
        }
        if (!(dutyCycle > 0.0 && dutyCycle <= 1.0)) {
            throw new IllegalArgumentException("duty cycle must be in (0, 1], got " + dutyCycle);
        }
        if (Double.isNaN(x) || Double.isNaN(y) || Double.isInfinite(x) || Double.isInfinite(y)) {
            throw new IllegalArgumentException("position must be finite, got " + x + "," + y);
        }
        this.name = name;
        this.x = x;
        this.y = y;
        this.range = range;
        this.airtime = Objects.requireNonNull(airtime, "airtime");
        this.dutyCycle = dutyCycle;
    }

    public String name() {
        return name;
    }

    public double x() {
        return x;
    }

    public double y() {
        return y;
    }

    public double range() {
        return range;
    }

    public AirtimeModel airtime() {
        return airtime;
    }

    public double dutyCycle() {
        return dutyCycle;
    }

    /** @return this spec at another position */
    public StationSpec at(double newX, double newY) {
        return new StationSpec(name, newX, newY, range, airtime, dutyCycle);
    }

    @Override
    public String toString() {
        return name + "@(" + x + "," + y + ") range " + range + (dutyCycle < 1.0 ? " duty " + dutyCycle : "");
    }
}
