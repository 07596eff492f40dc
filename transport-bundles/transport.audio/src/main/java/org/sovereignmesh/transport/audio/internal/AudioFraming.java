package org.sovereignmesh.transport.audio.internal;

import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * The bytes of one transmission (each sent as an 8N1 character):
 *
 * <pre>
 * sync (2) = 0x2D 0xD4 | length (1) = n, 1..255 | ~length (1) | payload (n) | CRC-32 (4, big-endian)
 * </pre>
 *
 * The CRC is CRC-32/ISO-HDLC ({@link CRC32}, as in zip and Ethernet) over the length byte and the payload. A
 * receiver that misses a character, or catches a false start in noise, loses at most that frame: the
 * {@link Assembler} looks for the sync word anew after every bad frame.
 */
public final class AudioFraming {
    public static final int SYNC_0 = 0x2D;
    public static final int SYNC_1 = 0xD4;
    /** Sync, length, its complement, CRC. */
    public static final int OVERHEAD = 8;
    /** The length field is one byte. */
    public static final int MAX_PAYLOAD = 255;

    private AudioFraming() {
    }

    /** @return the bytes on air for {@code payload} (1 to 255 bytes) */
    public static byte[] encode(byte[] payload) {
        if (payload.length < 1 || payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("an audio frame carries 1 to " + MAX_PAYLOAD + " bytes, got "
                    + payload.length);
        }
        byte[] out = new byte[payload.length + OVERHEAD];
        out[0] = (byte) SYNC_0;
        out[1] = (byte) SYNC_1;
        out[2] = (byte) payload.length;
        out[3] = (byte) ~payload.length;
        System.arraycopy(payload, 0, out, 4, payload.length);
        CRC32 crc32 = new CRC32();
        crc32.update(out, 2, 1);
        crc32.update(payload);
        long crc = crc32.getValue();
        int at = 4 + payload.length;
        out[at] = (byte) (crc >>> 24);
        out[at + 1] = (byte) (crc >>> 16);
        out[at + 2] = (byte) (crc >>> 8);
        out[at + 3] = (byte) crc;
        return out;
    }

    /**
     * Finds frames in a stream of received characters. Holds at most one frame's bytes (263), whatever arrives.
     * Not thread-safe.
     */
    public static final class Assembler {
        private final Consumer<byte[]> frames;
        private final byte[] buffer = new byte[MAX_PAYLOAD + OVERHEAD];
        private int length;
        private long good;
        private long bad;

        public Assembler(Consumer<byte[]> frames) {
            this.frames = frames;
        }

        public void accept(int character) {
            buffer[length++] = (byte) character;
            scan();
        }

        /**
         * The line went idle or the recording ended: a frame still waiting for bytes will get none, so it is given
         * up, and a whole frame that started inside it is found.
         */
        public void flush() {
            while (length > 0) {
                drop(1);
                scan();
            }
        }

        /** @return frames delivered */
        public long goodFrames() {
            return good;
        }

        /** @return candidate frames refused (bad length or CRC) */
        public long badFrames() {
            return bad;
        }

        private void scan() {
            while (length > 0) {
                int verdict = check();
                if (verdict > 0) {
                    byte[] payload = new byte[verdict];
                    System.arraycopy(buffer, 4, payload, 0, verdict);
                    good++;
                    drop(verdict + OVERHEAD);
                    frames.accept(payload);
                } else if (verdict == 0) {
                    return;
                } else {
                    drop(1);
                }
            }
        }

        /** @return payload length of a whole good frame at the start; 0 if more bytes are needed; -1 if bad */
        private int check() {
            if ((buffer[0] & 0xFF) != SYNC_0) {
                return -1;
            }
            if (length < 2) {
                return 0;
            }
            if ((buffer[1] & 0xFF) != SYNC_1) {
                return -1;
            }
            if (length < 4) {
                return 0;
            }
            int n = buffer[2] & 0xFF;
            if (n == 0 || (buffer[3] & 0xFF) != (~n & 0xFF)) {
                bad++;
                return -1;
            }
            if (length < n + OVERHEAD) {
                return 0;
            }
            CRC32 crc = new CRC32();
            crc.update(buffer, 2, 1);
            crc.update(buffer, 4, n);
            int at = 4 + n;
            long got = ((buffer[at] & 0xFFL) << 24) | ((buffer[at + 1] & 0xFFL) << 16) | ((buffer[at + 2] & 0xFFL) << 8)
                    | (buffer[at + 3] & 0xFFL);
            if (got != crc.getValue()) {
                bad++;
                return -1;
            }
            return n;
        }

        private void drop(int count) {
            System.arraycopy(buffer, count, buffer, 0, length - count);
            length -= count;
        }
    }
}
