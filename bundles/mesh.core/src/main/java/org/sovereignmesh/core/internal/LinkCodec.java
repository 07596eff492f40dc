package org.sovereignmesh.core.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.sovereignmesh.api.MeshMessage;
import org.sovereignmesh.api.PeerId;

/**
 * The bytes two cores exchange over one link. Every frame starts with its type.
 *
 * <pre>
 * duplex links (Noise XX, then an encrypted session):
 *   HANDSHAKE = 0x01 | Noise handshake message
 *   SECURE    = 0x02 | session frame (nonce 8 | ciphertext | tag 16), whose plaintext is an inner message
 * simplex and broadcast links (no session; everything sealed per packet):
 *   SEALED    = 0x03 | recipient hint (first 4 bytes of the recipient's key) | end-to-end sealed packet
 *   ANNOUNCE  = 0x04 | Ed25519 key (32) | time, seconds since 2024 (4) | signature (64) of
 *               "sovereign-mesh v1 announce" | key | time
 * inner messages (inside SECURE):
 *   DATA      = 0x10 | end-to-end sealed packet
 * end-to-end payload (inside every sealed packet):
 *   channel length (1) | channel (UTF-8) | application payload
 * </pre>
 */
final class LinkCodec {
    static final byte HANDSHAKE = 0x01;
    static final byte SECURE = 0x02;
    static final byte SEALED = 0x03;
    static final byte ANNOUNCE = 0x04;
    static final byte DATA = 0x10;

    static final int HINT_SIZE = 4;
    static final int SIGNATURE_SIZE = 64;
    static final int ANNOUNCE_SIZE = 1 + PeerId.KEY_LENGTH + 4 + SIGNATURE_SIZE;
    /** Both sides of a link bind the protocol version into the Noise handshake. */
    static final byte[] PROLOGUE = "sovereign-mesh/1".getBytes(StandardCharsets.US_ASCII);
    static final byte[] ANNOUNCE_LABEL = "sovereign-mesh v1 announce".getBytes(StandardCharsets.US_ASCII);
    static final long TIME_EPOCH_MILLIS = 1_704_067_200_000L; // 2024-01-01T00:00:00Z

    private LinkCodec() {
    }

    static byte[] frame(byte type, byte[] body) {
        byte[] frame = new byte[1 + body.length];
        frame[0] = type;
        System.arraycopy(body, 0, frame, 1, body.length);
        return frame;
    }

    /** @return the frame's type, checked */
    static byte type(byte[] frame) throws MalformedFrameException {
        if (frame.length < 1) {
            throw new MalformedFrameException("empty frame");
        }
        byte type = frame[0];
        if (type != HANDSHAKE && type != SECURE && type != SEALED && type != ANNOUNCE) {
            throw new MalformedFrameException("unknown frame type " + (type & 0xff));
        }
        return type;
    }

    static byte[] body(byte[] frame) {
        return Arrays.copyOfRange(frame, 1, frame.length);
    }

    static byte[] sealedFrame(PeerId recipient, byte[] sealedPacket) {
        byte[] frame = new byte[1 + HINT_SIZE + sealedPacket.length];
        frame[0] = SEALED;
        System.arraycopy(recipient.publicKey(), 0, frame, 1, HINT_SIZE);
        System.arraycopy(sealedPacket, 0, frame, 1 + HINT_SIZE, sealedPacket.length);
        return frame;
    }

    /** @return whether a SEALED frame's hint could name {@code self} (others need not try to open it) */
    static boolean hintMatches(byte[] frame, PeerId self) throws MalformedFrameException {
        if (frame.length < 1 + HINT_SIZE) {
            throw new MalformedFrameException("sealed frame without a recipient hint");
        }
        byte[] key = self.publicKey();
        for (int i = 0; i < HINT_SIZE; i++) {
            if (frame[1 + i] != key[i]) {
                return false;
            }
        }
        return true;
    }

    static byte[] sealedPacketOf(byte[] frame) {
        return Arrays.copyOfRange(frame, 1 + HINT_SIZE, frame.length);
    }

    /** The signed part of an announcement: label | key | time. */
    static byte[] announceSigned(byte[] key, byte[] time) {
        byte[] signed = new byte[ANNOUNCE_LABEL.length + key.length + time.length];
        System.arraycopy(ANNOUNCE_LABEL, 0, signed, 0, ANNOUNCE_LABEL.length);
        System.arraycopy(key, 0, signed, ANNOUNCE_LABEL.length, key.length);
        System.arraycopy(time, 0, signed, ANNOUNCE_LABEL.length + key.length, time.length);
        return signed;
    }

    static byte[] timeField(long millis) {
        long seconds = Math.max(0, (millis - TIME_EPOCH_MILLIS) / 1000);
        return new byte[] {(byte) (seconds >>> 24), (byte) (seconds >>> 16), (byte) (seconds >>> 8), (byte) seconds};
    }

    static long timeMillis(byte[] field) {
        long seconds = 0;
        for (byte b : field) {
            seconds = (seconds << 8) | (b & 0xff);
        }
        return TIME_EPOCH_MILLIS + seconds * 1000;
    }

    /** The end-to-end payload: channel length | channel | application bytes. */
    static byte[] endToEndPayload(String channel, byte[] payload) {
        byte[] name = channel.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[1 + name.length + payload.length];
        out[0] = (byte) name.length;
        System.arraycopy(name, 0, out, 1, name.length);
        System.arraycopy(payload, 0, out, 1 + name.length, payload.length);
        return out;
    }

    /** A decoded end-to-end payload. */
    static final class Application {
        final String channel;
        final byte[] payload;

        Application(String channel, byte[] payload) {
            this.channel = channel;
            this.payload = payload;
        }
    }

    static Application application(byte[] endToEnd) throws MalformedFrameException {
        if (endToEnd.length < 1) {
            throw new MalformedFrameException("end-to-end payload without a channel");
        }
        int nameLength = endToEnd[0] & 0xff;
        if (nameLength == 0 || 1 + nameLength > endToEnd.length) {
            throw new MalformedFrameException("channel length " + nameLength + " does not fit a payload of "
                    + endToEnd.length + " bytes");
        }
        String channel = new String(endToEnd, 1, nameLength, StandardCharsets.UTF_8);
        try {
            MeshMessage.requireValidChannel(channel);
        } catch (IllegalArgumentException e) {
            throw new MalformedFrameException(e.getMessage());
        }
        return new Application(channel, Arrays.copyOfRange(endToEnd, 1 + nameLength, endToEnd.length));
    }
}
