package org.sovereignmesh.core.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.sovereignmesh.api.MeshMessage;
import org.sovereignmesh.api.PeerId;

/**
 * Frames exchanged by two cores over one link.
 *
 * <pre>
 * frame  = version:u8 (=1) | type:u8 | body
 * HELLO  body = ed25519 public key (32 bytes)
 * DATA   body = channel length:u8 | channel (UTF-8) | payload
 * </pre>
 */
final class LinkCodec {
    static final int VERSION = 1;
    static final int HELLO = 1;
    static final int DATA = 2;
    static final int HEADER = 2;

    private LinkCodec() {
    }

    static byte[] hello(PeerId self) {
        byte[] key = self.publicKey();
        byte[] frame = new byte[HEADER + key.length];
        frame[0] = VERSION;
        frame[1] = HELLO;
        System.arraycopy(key, 0, frame, HEADER, key.length);
        return frame;
    }

    static byte[] data(String channel, byte[] payload) {
        byte[] name = channel.getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[HEADER + 1 + name.length + payload.length];
        frame[0] = VERSION;
        frame[1] = DATA;
        frame[2] = (byte) name.length;
        System.arraycopy(name, 0, frame, HEADER + 1, name.length);
        System.arraycopy(payload, 0, frame, HEADER + 1 + name.length, payload.length);
        return frame;
    }

    /** @return the frame type, after checking the header */
    static int type(byte[] frame) throws MalformedFrameException {
        if (frame.length < HEADER) {
            throw new MalformedFrameException("frame of " + frame.length + " bytes is shorter than its header");
        }
        if (frame[0] != VERSION) {
            throw new MalformedFrameException("unsupported link protocol version " + (frame[0] & 0xff));
        }
        int type = frame[1] & 0xff;
        if (type != HELLO && type != DATA) {
            throw new MalformedFrameException("unknown frame type " + type);
        }
        return type;
    }

    static PeerId helloPeer(byte[] frame) throws MalformedFrameException {
        if (frame.length != HEADER + PeerId.KEY_LENGTH) {
            throw new MalformedFrameException("HELLO of " + frame.length + " bytes, expected " + (HEADER + PeerId.KEY_LENGTH));
        }
        return PeerId.fromPublicKey(Arrays.copyOfRange(frame, HEADER, frame.length));
    }

    /** A decoded DATA frame. */
    static final class Data {
        final String channel;
        final byte[] payload;

        Data(String channel, byte[] payload) {
            this.channel = channel;
            this.payload = payload;
        }
    }

    static Data decodeData(byte[] frame) throws MalformedFrameException {
        if (frame.length < HEADER + 1) {
            throw new MalformedFrameException("DATA frame without a channel length");
        }
        int nameLength = frame[HEADER] & 0xff;
        int payloadOffset = HEADER + 1 + nameLength;
        if (nameLength == 0 || payloadOffset > frame.length) {
            throw new MalformedFrameException("DATA frame channel length " + nameLength + " does not fit a frame of "
                    + frame.length + " bytes");
        }
        String channel = new String(frame, HEADER + 1, nameLength, StandardCharsets.UTF_8);
        try {
            MeshMessage.requireValidChannel(channel);
        } catch (IllegalArgumentException e) {
            throw new MalformedFrameException(e.getMessage());
        }
        return new Data(channel, Arrays.copyOfRange(frame, payloadOffset, frame.length));
    }

    /** @return the DATA frame size for a payload on a channel */
    static int dataFrameSize(String channel, int payloadLength) {
        return HEADER + 1 + channel.getBytes(StandardCharsets.UTF_8).length + payloadLength;
    }
}
