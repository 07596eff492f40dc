package org.sovereignmesh.transport.audio.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sovereignmesh.transport.tck.Programs;

/**
 * Interoperability with minimodem 0.24 (Debian package {@code minimodem}), a widely used software modem, in both
 * directions through WAV files: frames our modulator wrote are decoded by {@code minimodem --rx}, and bytes
 * {@code minimodem --tx} modulated are decoded into frames by our demodulator. minimodem sends asynchronous 8N1
 * characters as we do, so our frame (sync, length, payload, CRC) travels inside its characters unchanged.
 *
 * <p>Rates: Bell 202 ({@code minimodem 1200}: 1200 baud, mark 1200 Hz, space 2200 Hz) and our near-ultrasonic mode
 * ({@code minimodem 300 -M 18000 -S 19200}); both at 48000 samples per second.
 */
class MinimodemInteropTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void minimodem() throws Exception {
        Programs.ensure("minimodem", "minimodem");
    }

    static Stream<Arguments> modes() {
        return Stream.of(Arguments.of("bell202", FskParameters.BELL_202, List.of("1200")),
                Arguments.of("ultrasonic", FskParameters.NEAR_ULTRASONIC,
                        List.of("-M", "18000", "-S", "19200", "300")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void minimodemDecodesOurWavFiles(String name, FskParameters p, List<String> mode) throws Exception {
        AudioModem modem = new AudioModem(p);
        Random random = new Random(name.hashCode());
        for (int size : new int[] {1, 64, 255}) {
            byte[] payload = new byte[size];
            random.nextBytes(payload);
            Path wav = dir.resolve(name + "-" + size + ".wav");
            WavFiles.write(wav, modem.modulate(payload), p.sampleRate());
            List<String> command = new ArrayList<>(List.of("minimodem", "--rx", "-q", "-R",
                    Integer.toString(p.sampleRate()), "-f", wav.toString()));
            command.addAll(mode);
            byte[] decoded = run(command, null);
            byte[] expected = AudioFraming.encode(payload);
            assertTrue(indexOf(decoded, expected) >= 0, "minimodem " + mode + " decoded our " + size
                    + "-byte frame: expected " + HexFormat.of().formatHex(expected) + " inside "
                    + HexFormat.of().formatHex(decoded));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void weDecodeMinimodemsWavFiles(String name, FskParameters p, List<String> mode) throws Exception {
        AudioModem modem = new AudioModem(p);
        Random random = new Random(name.hashCode() + 1);
        for (int size : new int[] {1, 64, 255}) {
            byte[] payload = new byte[size];
            random.nextBytes(payload);
            Path wav = dir.resolve("mm-" + name + "-" + size + ".wav");
            List<String> command = new ArrayList<>(List.of("minimodem", "--tx", "-q", "-R",
                    Integer.toString(p.sampleRate()), "-f", wav.toString()));
            command.addAll(mode);
            run(command, AudioFraming.encode(payload));
            float[] samples = WavFiles.read(wav, p.sampleRate());
            List<byte[]> got = new ArrayList<>();
            AudioModem.Receiver rx = modem.receiver(got::add);
            rx.feed(samples);
            rx.endOfRecording();
            assertEquals(1, got.size(), "frames decoded from minimodem's " + size + "-byte transmission (" + wav
                    + ": " + rx.characters() + " characters, " + rx.framingErrors() + " framing errors)");
            assertArrayEquals(payload, got.get(0));
        }
    }

    private byte[] run(List<String> command, byte[] input) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "minimodem", ".out");
        Path err = Files.createTempFile(dir, "minimodem", ".err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        if (input == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process process = pb.start();
        if (input != null) {
            try (var stdin = process.getOutputStream()) {
                stdin.write(input);
            }
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish within 60 s");
        }
        assertEquals(0, process.exitValue(), command + " failed: " + Files.readString(err));
        return Files.readAllBytes(out);
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
