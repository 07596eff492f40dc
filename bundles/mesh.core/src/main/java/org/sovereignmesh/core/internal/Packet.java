package org.sovereignmesh.core.internal;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

import org.sovereignmesh.crypto.MeshCrypto;

/**
 * A routed packet: what relays see and forward. Compact enough for 255-byte radio frames.
 *
 * <pre>
 * byte 0     version (2 bits, = 1) | type (3 bits) | flags (3 bits)
 * byte 1     hops left (decremented by every relay; not covered by the packet id)
 * bytes 2-9  destination address (see {@link NodeAddress})
 * body       DATA: an end-to-end sealed packet    ACK: message id (8) | salt (4)
 * </pre>
 *
 * The packet id that duplicate detection remembers covers what never changes on the way: for DATA the sealed
 * packet's ephemeral key and sequence (unique per packet), for ACK the destination and body.
 */
final class Packet {
    static final int VERSION = 1;
    static final int DATA = 0;
    static final int ACK = 1;
    static final int HEADER = 2 + NodeAddress.SIZE;
    static final int ACK_BODY = 8 + 4;
    /** Hops a packet may take: enough for a large mesh, small enough to stop a loop quickly. */
    static final int DEFAULT_HOPS = 16;

    final int type;
    final int flags;
    final int hopsLeft;
    final long destination;
    final byte[] body;

    Packet(int type, int flags, int hopsLeft, long destination, byte[] body) {
        this.type = type;
        this.flags = flags;
        this.hopsLeft = hopsLeft;
        this.destination = destination;
        this.body = body;
    }

    byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(HEADER + body.length);
        out.put((byte) (VERSION << 6 | type << 3 | flags)).put((byte) hopsLeft).putLong(destination).put(body);
        return out.array();
    }

    static Packet decode(byte[] bytes) throws MalformedFrameException {
        if (bytes.length < HEADER) {
            throw new MalformedFrameException("packet of " + bytes.length + " bytes is shorter than its header");
        }
        int first = bytes[0] & 0xff;
        if (first >>> 6 != VERSION) {
            throw new MalformedFrameException("unsupported packet version " + (first >>> 6));
        }
        int type = (first >>> 3) & 0x07;
        byte[] body = Arrays.copyOfRange(bytes, HEADER, bytes.length);
        if (type == DATA && body.length < MeshCrypto.SEAL_OVERHEAD) {
            throw new MalformedFrameException("data packet body of " + body.length + " bytes cannot hold a sealed packet");
        }
        if (type == ACK && body.length != ACK_BODY) {
            throw new MalformedFrameException("acknowledgement body of " + body.length + " bytes, expected " + ACK_BODY);
        }
        if (type != DATA && type != ACK) {
            throw new MalformedFrameException("unknown packet type " + type);
        }
        return new Packet(type, first & 0x07, bytes[1] & 0xff, ByteBuffer.wrap(bytes, 2, 8).getLong(), body);
    }

    Packet withHopsLeft(int hops) {
        return new Packet(type, flags, hops, destination, body);
    }

    /** @return the id duplicate detection uses; stable across hops */
    long id() {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        if (type == DATA) {
            sha.update(body, 1, 33); // the sealed packet's ephemeral key and sequence: unique per packet
        } else {
            sha.update(ByteBuffer.allocate(8).putLong(destination).array());
            sha.update(body);
        }
        return ByteBuffer.wrap(sha.digest()).getLong();
    }

    static byte[] ackBody(long messageId, int salt) {
        return ByteBuffer.allocate(ACK_BODY).putLong(messageId).putInt(salt).array();
    }

    long ackedMessageId() {
        return ByteBuffer.wrap(body).getLong();
    }
}
