package org.sovereignmesh.dht.internal;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Bounded reads from a received message: every read checks what is left first, so nothing over-allocates. */
final class MessageReader {
    private final byte[] data;
    private int position;

    MessageReader(byte[] data) {
        this.data = data;
    }

    int remaining() {
        return data.length - position;
    }

    int position() {
        return position;
    }

    private void need(int count, String what) throws MalformedMessageException {
        if (count < 0 || count > remaining()) {
            throw new MalformedMessageException("truncated " + what + ": need " + count + " bytes at offset " + position
                    + ", " + remaining() + " left");
        }
    }

    int u8(String what) throws MalformedMessageException {
        need(1, what);
        return data[position++] & 0xff;
    }

    int u16(String what) throws MalformedMessageException {
        need(2, what);
        int v = ((data[position] & 0xff) << 8) | (data[position + 1] & 0xff);
        position += 2;
        return v;
    }

    long i64(String what) throws MalformedMessageException {
        need(8, what);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (data[position + i] & 0xff);
        }
        position += 8;
        return v;
    }

    byte[] bytes(int count, String what) throws MalformedMessageException {
        need(count, what);
        byte[] out = Arrays.copyOfRange(data, position, position + count);
        position += count;
        return out;
    }

    /** UTF-8 text of a length given by one byte before it; malformed UTF-8 is refused. */
    String shortText(String what) throws MalformedMessageException {
        int length = u8(what + " length");
        need(length, what);
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(data, position, length)).toString();
            position += length;
            return s;
        } catch (CharacterCodingException e) {
            throw new MalformedMessageException(what + " is not valid UTF-8");
        }
    }

    void requireEnd() throws MalformedMessageException {
        if (remaining() != 0) {
            throw new MalformedMessageException(remaining() + " unexpected bytes after the message");
        }
    }
}
