package org.sovereignmesh.transport.ble.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * How frames travel in GATT attribute values: every ATT write (central to peripheral) and notification (peripheral
 * to central) on the mesh characteristic carries one chunk, at most ATT_MTU - 3 bytes:
 *
 * <pre>
 * tag (1)  | kind (1) | body
 * tag      the link within the GATT connection, assigned by the peripheral in WELCOME (0 in HELLO)
 * kind     bits 7-6: 0 = DATA, 1 = CONTROL; DATA: bit 5 FIRST, bit 4 LAST, bits 3-0 sequence number (mod 16)
 * DATA     up to ATT_MTU - 5 bytes of the frame; a frame is its chunks from FIRST to LAST, in sequence
 * CONTROL  code (1) | arguments:
 *          1 HELLO   (central)    nonce (4) | largest frame it accepts (2)
 *          2 WELCOME (peripheral) nonce (4) | largest frame it accepts (2)      tag = the new link's tag
 *          3 CLOSE   (either)                                                 tag = the link closed
 * </pre>
 *
 * A peripheral's notifications reach every central subscribed to the characteristic (that is how BlueZ notifies),
 * so centrals keep only chunks with their own links' tags. All integers big-endian.
 */
final class Chunks {
    static final int HEADER = 2;
    static final int CONTROL = 0x40;
    static final int FIRST = 0x20;
    static final int LAST = 0x10;
    static final int HELLO = 1;
    static final int WELCOME = 2;
    static final int CLOSE = 3;
    /** ATT_MTU's minimum (Bluetooth Core, Vol 3, Part F, 3.2.8) and the largest BlueZ accepts. */
    static final int MIN_ATT_MTU = 23;
    static final int MAX_ATT_MTU = 517;

    private Chunks() {
    }

    /** @return frame bytes per chunk at this ATT MTU: one ATT value (MTU - 3) minus the chunk header */
    static int payloadPerChunk(int attMtu) {
        return attMtu - 3 - HEADER;
    }

    /** @return the chunks that carry {@code frame} on link {@code tag}, numbered from {@code firstSequence} */
    static byte[][] split(int tag, byte[] frame, int attMtu, int firstSequence) {
        int per = payloadPerChunk(attMtu);
        int count = Math.max(1, (frame.length + per - 1) / per);
        byte[][] chunks = new byte[count][];
        for (int i = 0; i < count; i++) {
            int from = i * per;
            int n = Math.min(per, frame.length - from);
            byte[] c = new byte[HEADER + n];
            c[0] = (byte) tag;
            c[1] = (byte) ((i == 0 ? FIRST : 0) | (i == count - 1 ? LAST : 0) | ((firstSequence + i) & 0x0F));
            System.arraycopy(frame, from, c, HEADER, n);
            chunks[i] = c;
        }
        return chunks;
    }

    static byte[] control(int tag, int code, int nonce, int maxFrame) {
        ByteBuffer b = ByteBuffer.allocate(code == CLOSE ? 3 : 9);
        b.put((byte) tag).put((byte) CONTROL).put((byte) code);
        if (code != CLOSE) {
            b.putInt(nonce).putShort((short) maxFrame);
        }
        return b.array();
    }

    static int tag(byte[] chunk) {
        return chunk[0] & 0xFF;
    }

    static boolean isControl(byte[] chunk) {
        return (chunk[1] & 0xC0) == CONTROL;
    }

    /** A control chunk, parsed; {@code null} if malformed. */
    record Control(int tag, int code, int nonce, int maxFrame) {
        static Control parse(byte[] chunk) {
            if (chunk.length < 3 || !isControl(chunk)) {
                return null;
            }
            int code = chunk[2] & 0xFF;
            if (code == CLOSE) {
                return new Control(Chunks.tag(chunk), code, 0, 0);
            }
            if ((code != HELLO && code != WELCOME) || chunk.length < 9) {
                return null;
            }
            ByteBuffer b = ByteBuffer.wrap(chunk, 3, 6);
            return new Control(Chunks.tag(chunk), code, b.getInt(), b.getShort() & 0xFFFF);
        }
    }

    /**
     * Puts DATA chunks of one link back into frames. Holds at most one frame of at most {@code maxFrame} bytes. A
     * chunk out of sequence, a frame that grows beyond the limit, or a continuation without a first chunk drops the
     * frame in progress and counts one error; reassembly starts again at the next FIRST chunk. Not thread-safe.
     */
    static final class Reassembler {
        private final int maxFrame;
        private final ByteArrayOutputStream frame = new ByteArrayOutputStream();
        private boolean inFrame;
        private boolean skipping;
        private int expected;
        private long errors;
        private String lastError = "";

        Reassembler(int maxFrame) {
            this.maxFrame = maxFrame;
        }

        /** @return the frame {@code chunk} completes, or {@code null} */
        byte[] accept(byte[] chunk) {
            if (chunk.length < HEADER || isControl(chunk)) {
                return error("a chunk of " + chunk.length + " bytes is no DATA chunk");
            }
            int kind = chunk[1] & 0xFF;
            if ((kind & 0xC0) != 0) {
                return error("unknown chunk kind 0x" + Integer.toHexString(kind));
            }
            int sequence = kind & 0x0F;
            boolean first = (kind & FIRST) != 0;
            boolean last = (kind & LAST) != 0;
            if (first) {
                if (inFrame) {
                    error("a new frame began before the last one ended");
                }
                frame.reset();
                inFrame = true;
                skipping = false;
            } else if (!inFrame) {
                if (skipping) {
                    expected = (sequence + 1) & 0x0F;
                    return null;
                }
                return error("a continuation chunk without a first chunk");
            } else if (sequence != expected) {
                return error("chunk " + sequence + " where " + expected + " was due");
            }
            expected = (sequence + 1) & 0x0F;
            int n = chunk.length - HEADER;
            if (frame.size() + n > maxFrame) {
                error("a frame longer than " + maxFrame + " bytes");
                skipping = !last;
                return null;
            }
            frame.write(chunk, HEADER, n);
            if (last) {
                inFrame = false;
                byte[] done = frame.toByteArray();
                frame.reset();
                return done;
            }
            return null;
        }

        private byte[] error(String what) {
            errors++;
            lastError = what;
            inFrame = false;
            frame.reset();
            return null;
        }

        long errors() {
            return errors;
        }

        String lastError() {
            return lastError;
        }
    }
}
