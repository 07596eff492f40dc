package org.sovereignmesh.update.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Big-endian writes for the update formats (the counterpart of {@link Reader}). */
final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    Writer u8(int v) {
        out.write(v);
        return this;
    }

    Writer u16(int v) {
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    Writer u32(long v) {
        for (int shift = 24; shift >= 0; shift -= 8) {
            out.write((int) (v >>> shift));
        }
        return this;
    }

    Writer i64(long v) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (v >>> shift));
        }
        return this;
    }

    Writer bytes(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    Writer bytes(byte[] b, int offset, int length) {
        out.write(b, offset, length);
        return this;
    }

    /** A string with a one-byte length. */
    Writer string8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 255) {
            throw new IllegalArgumentException("too long for the update format: " + s);
        }
        return u8(b.length).bytes(b);
    }

    /** A string with a two-byte length. */
    Writer string16(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 65535) {
            throw new IllegalArgumentException("too long for the update format: " + s.substring(0, 40) + "...");
        }
        return u16(b.length).bytes(b);
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
