package org.sovereignmesh.update.internal;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Bounds-checked big-endian reads from untrusted bytes: every failure is a {@link MalformedUpdateException}. */
final class Reader {
    private final byte[] data;
    private final int end;
    private int position;

    Reader(byte[] data) {
        this(data, 0, data.length);
    }

    Reader(byte[] data, int offset, int length) {
        this.data = data;
        this.position = offset;
        this.end = offset + length;
    }

    int remaining() {
        return end - position;
    }

    int position() {
        return position;
    }

    private void need(int n, String what) throws MalformedUpdateException {
        if (n < 0 || remaining() < n) {
            throw new MalformedUpdateException("truncated: " + what + " needs " + n + " bytes, " + remaining() + " left");
        }
    }

    int u8(String what) throws MalformedUpdateException {
        need(1, what);
        return data[position++] & 0xff;
    }

    int u16(String what) throws MalformedUpdateException {
        need(2, what);
        int v = (data[position] & 0xff) << 8 | data[position + 1] & 0xff;
        position += 2;
        return v;
    }

    long u32(String what) throws MalformedUpdateException {
        need(4, what);
        long v = 0;
        for (int i = 0; i < 4; i++) {
            v = v << 8 | data[position++] & 0xff;
        }
        return v;
    }

    long i64(String what) throws MalformedUpdateException {
        need(8, what);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | data[position++] & 0xff;
        }
        return v;
    }

    byte[] bytes(int n, String what) throws MalformedUpdateException {
        need(n, what);
        byte[] b = Arrays.copyOfRange(data, position, position + n);
        position += n;
        return b;
    }

    /** A UTF-8 string of {@code length} bytes; invalid UTF-8 is malformed. */
    String utf8(int length, String what) throws MalformedUpdateException {
        need(length, what);
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data, position, length)).toString();
            position += length;
            return s;
        } catch (CharacterCodingException e) {
            throw new MalformedUpdateException(what + " is not valid UTF-8");
        }
    }

    void end(String what) throws MalformedUpdateException {
        if (remaining() != 0) {
            throw new MalformedUpdateException(remaining() + " unexpected bytes after " + what);
        }
    }
}
