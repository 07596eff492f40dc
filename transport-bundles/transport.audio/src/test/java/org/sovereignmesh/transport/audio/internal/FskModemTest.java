package org.sovereignmesh.transport.audio.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The modem decodes its own output: clean, cut into blocks of any size, at other sample rates, and with white noise
 * at a range of signal-to-noise ratios, where frame success and character error rate are measured and printed.
 */
class FskModemTest {
    private final Random random = new Random(7);

    @Test
    void cleanFramesOfEveryLengthComeBackIntactInAnyBlockSize() {
        for (FskParameters p : List.of(FskParameters.BELL_202, FskParameters.NEAR_ULTRASONIC,
                FskParameters.BELL_202.withSampleRate(44_100), FskParameters.BELL_202.withSampleRate(8000))) {
            AudioModem modem = new AudioModem(p);
            List<byte[]> sent = new ArrayList<>();
            List<byte[]> got = new ArrayList<>();
            AudioModem.Receiver rx = modem.receiver(got::add);
            for (int size : new int[] {1, 2, 7, 64, 200, 254, 255}) {
                byte[] payload = new byte[size];
                random.nextBytes(payload);
                sent.add(payload);
                float[] samples = concat(new float[random.nextInt(2000)], modem.modulate(payload));
                for (int at = 0; at < samples.length;) {
                    int n = Math.min(samples.length - at, 1 + random.nextInt(999));
                    rx.feed(samples, at, n);
                    at += n;
                }
            }
            assertEquals(sent.size(), got.size(), p + ": frames decoded");
            for (int i = 0; i < sent.size(); i++) {
                assertArrayEquals(sent.get(i), got.get(i), p + ": frame " + i);
            }
        }
    }

    @Test
    void framingBytesAndEveryValueSurvive() {
        AudioModem modem = new AudioModem(FskParameters.BELL_202);
        byte[] all = new byte[255];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        byte[] syncs = new byte[255];
        for (int i = 0; i < syncs.length; i++) {
            syncs[i] = (byte) (i % 2 == 0 ? AudioFraming.SYNC_0 : AudioFraming.SYNC_1);
        }
        List<byte[]> got = new ArrayList<>();
        AudioModem.Receiver rx = modem.receiver(got::add);
        rx.feed(modem.modulate(all));
        rx.feed(modem.modulate(syncs));
        assertEquals(2, got.size());
        assertArrayEquals(all, got.get(0));
        assertArrayEquals(syncs, got.get(1));
    }

    @Test
    void aBadCrcOrLengthIsRefusedAndTheNextFrameStillArrives() {
        AudioModem modem = new AudioModem(FskParameters.BELL_202);
        FskModulator raw = new FskModulator(FskParameters.BELL_202);
        byte[] good = {1, 2, 3, 4, 5};
        byte[] corrupted = AudioFraming.encode(good);
        corrupted[5] ^= 0x10;
        byte[] badLength = AudioFraming.encode(good);
        badLength[3] = 0;
        byte[] truncated = Arrays.copyOf(AudioFraming.encode(new byte[200]), 50);
        List<byte[]> got = new ArrayList<>();
        AudioModem.Receiver rx = modem.receiver(got::add);
        for (byte[] bytes : List.of(corrupted, badLength, truncated)) {
            rx.feed(raw.modulate(bytes));
        }
        rx.feed(modem.modulate(good));
        rx.endOfRecording();
        assertEquals(1, got.size(), "only the good frame");
        assertArrayEquals(good, got.get(0));
        assertTrue(rx.badFrames() >= 2, "bad frames counted: " + rx.badFrames());
        assertThrows(IllegalArgumentException.class, () -> AudioFraming.encode(new byte[256]));
        assertThrows(IllegalArgumentException.class, () -> AudioFraming.encode(new byte[0]));
    }

    /**
     * Frames of 64 bytes, 1 to 40 ms of silence between them, white Gaussian noise over everything (also the
     * silence). Prints the measured figures; asserts only where the modem must be solid and that noise never makes
     * it deliver a frame that was not sent.
     */
    @Test
    void frameSuccessAndCharacterErrorsUnderWhiteNoise() {
        StringBuilder report = new StringBuilder("\nmodem under white noise (SNR over 0..fs/2; 64-byte frames)\n");
        report.append(String.format("%-44s %7s %7s %9s %9s%n", "mode", "SNR dB", "Eb/N0", "frames ok", "char err"));
        List<String> failures = new ArrayList<>();
        measure(FskParameters.BELL_202, new double[] {12, 6, 3, 0, -3, -6}, 60, 3, report, failures);
        measure(FskParameters.NEAR_ULTRASONIC, new double[] {3, 0, -3, -6, -9, -12}, 20, 0, report, failures);
        System.out.print(report);
        assertTrue(failures.isEmpty(), failures.toString());
    }

    private void measure(FskParameters p, double[] snrs, int frames, double mustBeSolidAt, StringBuilder report,
            List<String> failures) {
        AudioModem modem = new AudioModem(p);
        for (double snr : snrs) {
            Random r = new Random(42);
            List<byte[]> sent = new ArrayList<>();
            List<byte[]> got = new ArrayList<>();
            AudioModem.Receiver rx = modem.receiver(got::add);
            double sigma = Noise.sigma(p.amplitude(), snr);
            for (int i = 0; i < frames; i++) {
                byte[] payload = new byte[64];
                r.nextBytes(payload);
                sent.add(payload);
                float[] samples = concat(new float[p.sampleRate() / 1000 * (1 + r.nextInt(40))], modem.modulate(payload));
                Noise.add(samples, sigma, r);
                rx.feed(samples);
            }
            long ok = got.stream().filter(g -> sent.stream().anyMatch(s -> Arrays.equals(s, g))).count();
            assertEquals(ok, got.size(), p + " at " + snr + " dB: a frame that was not sent was delivered");
            double cer = characterErrorRate(p, snr, r);
            report.append(String.format("%-44s %7.1f %7.1f %5d/%-3d %9.5f%n", p, snr, Noise.ebN0(p, snr), ok, frames,
                    cer));
            if (snr >= mustBeSolidAt && ok < frames - 1) {
                failures.add(p + " at " + snr + " dB: only " + ok + " of " + frames + " frames");
            }
        }
    }

    /** Character error rate of one long 8N1 stream (2000 random bytes): edit distance / bytes sent. */
    private static double characterErrorRate(FskParameters p, double snr, Random r) {
        byte[] bytes = new byte[2000];
        r.nextBytes(bytes);
        float[] samples = new FskModulator(p).modulate(bytes);
        Noise.add(samples, Noise.sigma(p.amplitude(), snr), r);
        ByteArrayCollector got = new ByteArrayCollector();
        new FskDemodulator(p, got).feed(samples);
        return editDistance(bytes, got.toArray()) / (double) bytes.length;
    }

    static int editDistance(byte[] a, byte[] b) {
        int[] prev = new int[b.length + 1];
        int[] cur = new int[b.length + 1];
        for (int j = 0; j <= b.length; j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length; i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length; j++) {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length];
    }

    static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static final class ByteArrayCollector implements FskDemodulator.ByteSink {
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        @Override
        public void byteReceived(int value) {
            out.write(value);
        }

        byte[] toArray() {
            return out.toByteArray();
        }
    }
}
