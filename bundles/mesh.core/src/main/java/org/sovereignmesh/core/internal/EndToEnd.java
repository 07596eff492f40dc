package org.sovereignmesh.core.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.sovereignmesh.api.MeshMessage;

/**
 * What the end-to-end seal protects: only the destination reads it.
 *
 * <pre>
 * flags (1: bit 0 = acknowledgement requested) | message id (8) | channel length (1) | channel | payload
 * </pre>
 *
 * The message id stays secret until the destination acknowledges: an acknowledgement that names it proves the
 * destination read the message, so nobody else can forge one. Retries seal the same content again (a new packet for
 * relays, the same message for the destination, which delivers it once).
 */
final class EndToEnd {
    static final int ACK_REQUESTED = 1;
    static final int FIXED = 1 + 8 + 1;

    final int flags;
    final long messageId;
    final String channel;
    final byte[] payload;

    EndToEnd(int flags, long messageId, String channel, byte[] payload) {
        this.flags = flags;
        this.messageId = messageId;
        this.channel = channel;
        this.payload = payload;
    }

    boolean acknowledgementRequested() {
        return (flags & ACK_REQUESTED) != 0;
    }

    byte[] encode() {
        byte[] name = channel.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(FIXED + name.length + payload.length).put((byte) flags).putLong(messageId)
                .put((byte) name.length).put(name).put(payload).array();
    }

    static EndToEnd decode(byte[] bytes) throws MalformedFrameException {
        if (bytes.length < FIXED + 1) {
            throw new MalformedFrameException("end-to-end payload of " + bytes.length + " bytes is too short");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int flags = in.get() & 0xff;
        if ((flags & ~ACK_REQUESTED) != 0) {
            throw new MalformedFrameException("unknown end-to-end flags " + flags);
        }
        long messageId = in.getLong();
        int nameLength = in.get() & 0xff;
        if (nameLength == 0 || FIXED + nameLength > bytes.length) {
            throw new MalformedFrameException("channel length " + nameLength + " does not fit a payload of "
                    + bytes.length + " bytes");
        }
        String channel = new String(bytes, FIXED, nameLength, StandardCharsets.UTF_8);
        try {
            MeshMessage.requireValidChannel(channel);
        } catch (IllegalArgumentException e) {
            throw new MalformedFrameException(e.getMessage());
        }
        return new EndToEnd(flags, messageId, channel, Arrays.copyOfRange(bytes, FIXED + nameLength, bytes.length));
    }

    /** @return bytes the end-to-end layer adds to a payload on {@code channel}, before sealing */
    static int overhead(String channel) {
        return FIXED + channel.getBytes(StandardCharsets.UTF_8).length;
    }
}
