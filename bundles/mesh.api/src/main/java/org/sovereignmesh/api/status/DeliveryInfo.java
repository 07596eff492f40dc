package org.sovereignmesh.api.status;

import java.util.Objects;

import org.sovereignmesh.api.PeerId;

/** What became of one message an application of this node sent. Immutable. */
public final class DeliveryInfo {
    /** Where the message is. */
    public enum State {
        /** Waiting for a path, for room on a link, or (reliable) for an acknowledgement. */
        WAITING,
        /** Best effort: the message left this node. */
        SENT,
        /** The destination acknowledged it. */
        DELIVERED,
        /** It will not arrive: its lifetime ended, or the node gave up; {@link #detail()} says why. */
        FAILED
    }

    private final String messageId;
    private final PeerId destination;
    private final String channel;
    private final int size;
    private final boolean reliable;
    private final State state;
    private final int attempts;
    private final long acceptedMillis;
    private final long updatedMillis;
    private final long expiresMillis;
    private final String detail;

    /**
     * @param size     the application payload's size in bytes
     * @param attempts how many times the message was sent (reliable messages are sent again until acknowledged)
     * @param detail   for people: the path of the last attempt, or why it failed
     */
    public DeliveryInfo(String messageId, PeerId destination, String channel, int size, boolean reliable, State state,
            int attempts, long acceptedMillis, long updatedMillis, long expiresMillis, String detail) {
        this.messageId = Objects.requireNonNull(messageId, "messageId");
        this.destination = Objects.requireNonNull(destination, "destination");
        this.channel = Objects.requireNonNull(channel, "channel");
        this.size = size;
        this.reliable = reliable;
        this.state = Objects.requireNonNull(state, "state");
        this.attempts = attempts;
        this.acceptedMillis = acceptedMillis;
        this.updatedMillis = updatedMillis;
        this.expiresMillis = expiresMillis;
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    public String messageId() {
        return messageId;
    }

    public PeerId destination() {
        return destination;
    }

    public String channel() {
        return channel;
    }

    public int size() {
        return size;
    }

    /** @return whether the destination was asked to acknowledge it */
    public boolean reliable() {
        return reliable;
    }

    public State state() {
        return state;
    }

    public int attempts() {
        return attempts;
    }

    /** @return when the application handed it to the node, from the node's clock */
    public long acceptedMillis() {
        return acceptedMillis;
    }

    /** @return when {@link #state()} last changed */
    public long updatedMillis() {
        return updatedMillis;
    }

    /** @return when the node gives up on it unless delivered */
    public long expiresMillis() {
        return expiresMillis;
    }

    public String detail() {
        return detail;
    }

    @Override
    public String toString() {
        return messageId + " to " + destination.shortName() + ": " + state + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
