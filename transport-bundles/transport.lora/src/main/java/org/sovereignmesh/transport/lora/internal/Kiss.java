package org.sovereignmesh.transport.lora.internal;

import java.io.ByteArrayOutputStream;
import java.util.function.BiConsumer;

/**
 * KISS framing as RNode speaks it: {@code FEND command data... FEND}, where FEND and FESC inside the data are sent
 * as {@code FESC TFEND} and {@code FESC TFESC}. Byte values: {@link RNode}.
 */
final class Kiss {
    static final int FEND = 0xC0;
    static final int FESC = 0xDB;
    static final int TFEND = 0xDC;
    static final int TFESC = 0xDD;

    private Kiss() {
    }

    /** @return the bytes of one frame: FEND, command, escaped data, FEND */
    static byte[] frame(int command, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 8);
        out.write(FEND);
        out.write(command);
        for (byte b : data) {
            int v = b & 0xFF;
            if (v == FEND) {
                out.write(FESC);
                out.write(TFEND);
            } else if (v == FESC) {
                out.write(FESC);
                out.write(TFESC);
            } else {
                out.write(v);
            }
        }
        out.write(FEND);
        return out.toByteArray();
    }

    /**
     * Reassembles frames from a byte stream that arrives in arbitrary pieces. Bounded: a frame longer than
     * {@code maxData} bytes, or with an invalid escape, is dropped up to the next FEND and counted; bytes before the
     * first FEND are skipped. Not thread-safe.
     */
    static final class Decoder {
        private final int maxData;
        private final BiConsumer<Integer, byte[]> frames;
        private final byte[] buffer;
        private int length;
        private boolean inFrame;
        private boolean escaped;
        private boolean discarding;
        private long malformed;

        /** @param frames receives (command, unescaped data) of every intact frame */
        Decoder(int maxData, BiConsumer<Integer, byte[]> frames) {
            this.maxData = maxData;
            this.frames = frames;
            this.buffer = new byte[maxData + 1];
        }

        void feed(byte[] bytes) {
            for (byte b : bytes) {
                accept(b & 0xFF);
            }
        }

        /** @return frames dropped as oversized or badly escaped */
        long malformed() {
            return malformed;
        }

        private void accept(int v) {
            if (v == FEND) {
                if (inFrame && !discarding && !escaped && length > 0) {
                    byte[] data = new byte[length - 1];
                    System.arraycopy(buffer, 1, data, 0, data.length);
                    frames.accept(buffer[0] & 0xFF, data);
                } else if (inFrame && (escaped || discarding)) {
                    malformed++;
                }
                inFrame = true;
                length = 0;
                escaped = false;
                discarding = false;
                return;
            }
            if (!inFrame || discarding) {
                return;
            }
            if (escaped) {
                escaped = false;
                if (v == TFEND) {
                    v = FEND;
                } else if (v == TFESC) {
                    v = FESC;
                } else {
                    discarding = true;
                    return;
                }
            } else if (v == FESC) {
                escaped = true;
                return;
            }
            if (length >= buffer.length) {
                discarding = true;
                return;
            }
            buffer[length++] = (byte) v;
        }
    }
}
