package org.sovereignmesh.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class Base58Test {

    /** The multibase vector files: first line names the input, the base58btc line holds the 'z'-prefixed encoding. */
    @ParameterizedTest
    @CsvSource({"multibase-basic.csv, 0", "multibase-leading_zero.csv, 1", "multibase-two_leading_zeros.csv, 2"})
    void matchesMultibaseVectors(String file, int leadingZeros) {
        String csv = VectorFiles.read(file);
        Matcher m = Pattern.compile("(?m)^base58btc, \"z([^\"]+)\"").matcher(csv);
        m.find();
        byte[] text = "yes mani !".getBytes(StandardCharsets.US_ASCII);
        byte[] input = new byte[leadingZeros + text.length];
        System.arraycopy(text, 0, input, leadingZeros, text.length);
        assertEquals(m.group(1), Base58.encode(input));
        assertArrayEquals(input, Base58.decode(m.group(1)));
    }

    @Test
    void roundTripsRandomInputs() {
        Random random = new Random(42);
        for (int i = 0; i < 500; i++) {
            byte[] data = new byte[random.nextInt(70)];
            random.nextBytes(data);
            if (data.length > 2 && random.nextBoolean()) {
                data[0] = 0;
            }
            assertArrayEquals(data, Base58.decode(Base58.encode(data)));
        }
    }

    @Test
    void rejectsCharactersOutsideTheAlphabet() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Base58.decode("abc0def"));
        assertEquals("invalid base58 character '0' at position 3", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Base58.decode("é"));
    }
}
