package org.sovereignmesh.update;

import java.util.Objects;

/** The answer of a {@link HealthCheck}. Immutable. */
public final class HealthStatus {
    private static final HealthStatus HEALTHY = new HealthStatus(true, "");

    private final boolean healthy;
    private final String reason;

    private HealthStatus(boolean healthy, String reason) {
        this.healthy = healthy;
        this.reason = reason;
    }

    public static HealthStatus healthy() {
        return HEALTHY;
    }

    /** @param reason what is wrong, shown to the operator as the reason of the rollback */
    public static HealthStatus unhealthy(String reason) {
        Objects.requireNonNull(reason, "reason");
        return new HealthStatus(false, reason.isBlank() ? "unhealthy" : reason);
    }

    public boolean isHealthy() {
        return healthy;
    }

    /** @return what is wrong, or an empty string when healthy */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return healthy ? "healthy" : "unhealthy: " + reason;
    }
}
