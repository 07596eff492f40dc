package org.sovereignmesh.api;

import java.time.Duration;
import java.util.Objects;

/**
 * How hard the mesh tries with one message. Immutable.
 *
 * <p>{@link #bestEffort()} (the default) completes the send when the message has left this node.
 * {@link #reliable()} asks the destination for an end-to-end acknowledgement: the node keeps the message, retries
 * with exponential backoff and jitter over other paths, holds it while no path exists, and completes the send with
 * {@link DeliveryStatus#DELIVERED} when the acknowledgement arrives, or fails it when the lifetime runs out.
 */
public final class SendOptions {
    private static final SendOptions BEST_EFFORT = new SendOptions(false, Duration.ofSeconds(30));
    private static final SendOptions RELIABLE = new SendOptions(true, Duration.ofDays(1));

    private final boolean acknowledged;
    private final Duration lifetime;

    private SendOptions(boolean acknowledged, Duration lifetime) {
        this.acknowledged = acknowledged;
        this.lifetime = lifetime;
    }

    /** @return no acknowledgement; the message may wait 30 s for a path */
    public static SendOptions bestEffort() {
        return BEST_EFFORT;
    }

    /** @return acknowledged end to end, retried and held for up to a day */
    public static SendOptions reliable() {
        return RELIABLE;
    }

    /**
     * @return these options with another lifetime: how long the message may take to arrive before it fails
     * @throws IllegalArgumentException unless 1 s to 365 days
     */
    public SendOptions withLifetime(Duration value) {
        Objects.requireNonNull(value, "lifetime");
        if (value.compareTo(Duration.ofSeconds(1)) < 0 || value.compareTo(Duration.ofDays(365)) > 0) {
            throw new IllegalArgumentException("lifetime must be between 1 s and 365 days, got " + value);
        }
        return new SendOptions(acknowledged, value);
    }

    /** @return whether the destination must acknowledge the message end to end */
    public boolean acknowledged() {
        return acknowledged;
    }

    /** @return how long the message may take to arrive */
    public Duration lifetime() {
        return lifetime;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SendOptions && acknowledged == ((SendOptions) o).acknowledged
                && lifetime.equals(((SendOptions) o).lifetime);
    }

    @Override
    public int hashCode() {
        return Objects.hash(acknowledged, lifetime);
    }

    @Override
    public String toString() {
        return (acknowledged ? "reliable" : "best effort") + ", lifetime " + lifetime;
    }
}
