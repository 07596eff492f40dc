package org.sovereignmesh.api;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A message delivered to this node. Immutable.
 */
public final class MeshMessage {
    private static final Pattern CHANNEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final PeerId source;
    private final String channel;
    private final byte[] payload;
    private final long receivedAtMillis;

    /**
     * @param payload copied
     * @throws IllegalArgumentException if the channel name is invalid
     */
    public MeshMessage(PeerId source, String channel, byte[] payload, long receivedAtMillis) {
        this.source = Objects.requireNonNull(source, "source");
        this.channel = requireValidChannel(channel);
        this.payload = Objects.requireNonNull(payload, "payload").clone();
        this.receivedAtMillis = receivedAtMillis;
    }

    /**
     * Checks an application channel name: 1 to 64 characters of letters, digits, '.', '_' and '-', starting with
     * a letter or digit.
     *
     * @return the name
     * @throws IllegalArgumentException saying what is wrong
     */
    public static String requireValidChannel(String channel) {
        if (channel == null || !CHANNEL.matcher(channel).matches()) {
            throw new IllegalArgumentException("invalid channel name '" + channel
                    + "': 1-64 characters [A-Za-z0-9._-], starting with a letter or digit");
        }
        return channel;
    }

    /** @return the authenticated sender */
    public PeerId source() {
        return source;
    }

    /** @return the application channel the sender chose */
    public String channel() {
        return channel;
    }

    /** @return a copy of the payload */
    public byte[] payload() {
        return payload.clone();
    }

    /** @return a read-only view of the payload, without copying */
    public ByteBuffer payloadBuffer() {
        return ByteBuffer.wrap(payload).asReadOnlyBuffer();
    }

    /** @return when this node received the message, from the node's clock */
    public long receivedAtMillis() {
        return receivedAtMillis;
    }

    @Override
    public String toString() {
        return "MeshMessage[from " + source.shortName() + ", channel " + channel + ", " + payload.length + " bytes]";
    }
}
