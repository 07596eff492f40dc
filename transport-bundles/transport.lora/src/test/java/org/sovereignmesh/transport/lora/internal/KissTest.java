package org.sovereignmesh.transport.lora.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class KissTest {

    @Test
    void commandBytesMatchThePublishedRNodeTable() throws Exception {
        List<String[]> rows = Vectors.rows("rnode-kiss-commands.tsv", "\t");
        int checked = 0;
        for (String[] row : rows) {
            int expected = Integer.parseInt(row[1], 16);
            Field field = constant(row[0]);
            if (field != null) {
                assertEquals(expected, field.getInt(null), row[0]);
                checked++;
            }
        }
        assertEquals(24, checked, "every command the driver uses is checked against the table");
    }

    private static Field constant(String name) {
        for (Class<?> type : List.of(Kiss.class, RNode.class)) {
            try {
                return type.getDeclaredField(name);
            } catch (NoSuchFieldException e) {
                // not in this class
            }
        }
        return null;
    }

    @Test
    void framesEscapeFendAndFescAndDecodeBack() {
        byte[] data = {0x01, (byte) 0xC0, 0x02, (byte) 0xDB, (byte) 0xDC, (byte) 0xDD};
        byte[] wire = Kiss.frame(RNode.CMD_DATA, data);
        assertEquals("c00001dbdc02dbdddcddc0", HexFormat.of().formatHex(wire));
        assertEquals("c00133be27a0c0", HexFormat.of().formatHex(Kiss.frame(RNode.CMD_FREQUENCY, RNode.uint32(868_100_000L))));
        List<byte[]> got = new ArrayList<>();
        Kiss.Decoder decoder = new Kiss.Decoder(255, (command, payload) -> got.add(payload));
        decoder.feed(wire);
        assertEquals(1, got.size());
        assertArrayEquals(data, got.get(0));
    }

    @Test
    void framesSurviveArbitrarySplittingOfTheStream() {
        Random random = new Random(5);
        List<byte[]> sent = new ArrayList<>();
        java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 200; i++) {
            byte[] f = new byte[1 + random.nextInt(255)];
            random.nextBytes(f);
            sent.add(f);
            stream.writeBytes(Kiss.frame(RNode.CMD_DATA, f));
        }
        byte[] all = stream.toByteArray();
        List<byte[]> got = new ArrayList<>();
        Kiss.Decoder decoder = new Kiss.Decoder(255, (command, payload) -> got.add(payload));
        for (int offset = 0; offset < all.length;) {
            int n = Math.min(all.length - offset, 1 + random.nextInt(40));
            decoder.feed(Arrays.copyOfRange(all, offset, offset + n));
            offset += n;
        }
        assertEquals(sent.size(), got.size());
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i), got.get(i));
        }
    }

    @Test
    void oversizedAndBadlyEscapedFramesAreDroppedAndDecodingResumes() {
        List<byte[]> got = new ArrayList<>();
        Kiss.Decoder decoder = new Kiss.Decoder(16, (command, payload) -> got.add(payload));
        decoder.feed(new byte[] {0x11, 0x22}); // before any FEND: skipped
        decoder.feed(Kiss.frame(RNode.CMD_DATA, new byte[17]));
        decoder.feed(new byte[] {(byte) 0xC0, 0x00, (byte) 0xDB, 0x41, (byte) 0xC0});
        decoder.feed(Kiss.frame(RNode.CMD_DATA, new byte[] {7, 8}));
        assertEquals(1, got.size());
        assertArrayEquals(new byte[] {7, 8}, got.get(0));
        assertEquals(2, decoder.malformed());
        assertTrue(got.stream().allMatch(f -> f.length <= 16));
    }
}
