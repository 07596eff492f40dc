package org.sovereignmesh.core.internal;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import org.sovereignmesh.api.PeerId;

/**
 * The bytes of journal records. Each starts with a version byte so a newer node can read an older node's records.
 *
 * <pre>
 * outbox     1 | message id (8) | accepted millis (8) | expires millis (8) | destination key (32)
 *              | payload length (4) | end-to-end bytes
 * custody    1 | expires millis (8) | encoded packet
 * delivered  1 | delivery key (8) | delivered millis (8)
 * </pre>
 */
final class JournalRecords {
    static final int VERSION = 1;

    private JournalRecords() {
    }

    /** A reliable message waiting for its acknowledgement. */
    static final class OutboxRecord {
        final long messageId;
        final long acceptedMillis;
        final long expiresMillis;
        final PeerId destination;
        final int payloadLength;
        final byte[] endToEnd;

        OutboxRecord(long messageId, long acceptedMillis, long expiresMillis, PeerId destination, int payloadLength,
                byte[] endToEnd) {
            this.messageId = messageId;
            this.acceptedMillis = acceptedMillis;
            this.expiresMillis = expiresMillis;
            this.destination = destination;
            this.payloadLength = payloadLength;
            this.endToEnd = endToEnd;
        }

        byte[] encode() {
            return ByteBuffer.allocate(1 + 8 + 8 + 8 + PeerId.KEY_LENGTH + 4 + endToEnd.length).put((byte) VERSION)
                    .putLong(messageId).putLong(acceptedMillis).putLong(expiresMillis).put(destination.publicKey())
                    .putInt(payloadLength).put(endToEnd).array();
        }

        static OutboxRecord decode(byte[] bytes) throws MalformedFrameException {
            ByteBuffer in = versioned(bytes, "outbox");
            try {
                long messageId = in.getLong();
                long accepted = in.getLong();
                long expires = in.getLong();
                byte[] key = new byte[PeerId.KEY_LENGTH];
                in.get(key);
                int payloadLength = in.getInt();
                byte[] endToEnd = Arrays.copyOfRange(bytes, in.position(), bytes.length);
                EndToEnd.decode(endToEnd); // refuse garbage now rather than send it
                return new OutboxRecord(messageId, accepted, expires, PeerId.fromPublicKey(key), payloadLength, endToEnd);
            } catch (BufferUnderflowException | IllegalArgumentException e) {
                throw new MalformedFrameException("outbox record of " + bytes.length + " bytes is damaged: " + e);
            }
        }
    }

    static byte[] custody(Packet packet, long expiresMillis) {
        byte[] encoded = packet.encode();
        return ByteBuffer.allocate(1 + 8 + encoded.length).put((byte) VERSION).putLong(expiresMillis).put(encoded)
                .array();
    }

    static long custodyExpiresMillis(byte[] bytes) throws MalformedFrameException {
        ByteBuffer in = versioned(bytes, "custody");
        if (in.remaining() < 8) {
            throw new MalformedFrameException("custody record of " + bytes.length + " bytes is damaged");
        }
        return in.getLong();
    }

    static Packet custodyPacket(byte[] bytes) throws MalformedFrameException {
        custodyExpiresMillis(bytes);
        return Packet.decode(Arrays.copyOfRange(bytes, 9, bytes.length));
    }

    static byte[] delivered(long deliveryKey, long deliveredMillis) {
        return ByteBuffer.allocate(1 + 8 + 8).put((byte) VERSION).putLong(deliveryKey).putLong(deliveredMillis).array();
    }

    /** @return {delivery key, delivered millis} */
    static long[] deliveredRecord(byte[] bytes) throws MalformedFrameException {
        ByteBuffer in = versioned(bytes, "delivered");
        if (in.remaining() != 16) {
            throw new MalformedFrameException("delivered record of " + bytes.length + " bytes, expected 17");
        }
        return new long[] {in.getLong(), in.getLong()};
    }

    private static ByteBuffer versioned(byte[] bytes, String kind) throws MalformedFrameException {
        if (bytes.length < 1 || bytes[0] != VERSION) {
            throw new MalformedFrameException(kind + " record has unknown version "
                    + (bytes.length < 1 ? "(empty)" : String.valueOf(bytes[0] & 0xff)));
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        in.get();
        return in;
    }
}
