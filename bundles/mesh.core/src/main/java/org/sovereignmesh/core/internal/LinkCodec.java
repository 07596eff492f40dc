package org.sovereignmesh.core.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.sovereignmesh.api.PeerId;

/**
 * The bytes two cores exchange over one link. Every frame starts with its type.
 *
 * <pre>
 * duplex links (Noise XX, then an encrypted session):
 *   HANDSHAKE = 0x01 | Noise handshake message
 *   SECURE    = 0x02 | session frame (nonce 8 | ciphertext | tag 16), whose plaintext is an inner message
 * simplex and broadcast links (no session; packets are sealed end to end already):
 *   PACKET    = 0x03 | routed packet ({@link Packet})
 *   ANNOUNCE  = 0x04 | Ed25519 key (32) | time, seconds since 2024 (4) | signature (64) of
 *               "sovereign-mesh v1 announce" | key | time
 *   FRAGMENT  = 0x05 | fragment ({@link Fragments}) of a routed packet too large for one frame
 * inner messages (inside SECURE):
 *   PACKET    = 0x10 | routed packet
 *   FRAGMENT  = 0x11 | fragment of a routed packet
 * </pre>
 */
final class LinkCodec {
    static final byte HANDSHAKE = 0x01;
    static final byte SECURE = 0x02;
    static final byte PACKET = 0x03;
    static final byte ANNOUNCE = 0x04;
    static final byte FRAGMENT = 0x05;
    static final byte INNER_PACKET = 0x10;
    static final byte INNER_FRAGMENT = 0x11;

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
        if (type < HANDSHAKE || type > FRAGMENT) {
            throw new MalformedFrameException("unknown frame type " + (type & 0xff));
        }
        return type;
    }

    static byte[] body(byte[] frame) {
        return Arrays.copyOfRange(frame, 1, frame.length);
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

}
