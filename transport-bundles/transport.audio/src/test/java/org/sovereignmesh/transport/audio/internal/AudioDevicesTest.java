package org.sovereignmesh.transport.audio.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.SourceDataLine;
import javax.sound.sampled.TargetDataLine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.TransportState;
import org.sovereignmesh.time.SystemScheduler;
import org.sovereignmesh.transport.tck.Programs;
import org.sovereignmesh.transport.tck.RecordingContext;
import org.sovereignmesh.transport.tck.RecordingReceiver;
import org.sovereignmesh.transport.tck.WallClock;

/**
 * The real sound paths, on wall-clock time: WAV files in folders (two transports exchanging frames, a recording made
 * by minimodem dropped into an inbox, a file minimodem decodes from an outbox, a file that is no WAV), and Java Sound,
 * which on a machine without a sound card must report UNAVAILABLE with the reason.
 */
class AudioDevicesTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @Test
    void twoTransportsExchangeFramesThroughWavFolders(@TempDir Path dir) throws Exception {
        Path ab = dir.resolve("a-to-b");
        Path ba = dir.resolve("b-to-a");
        AudioTransport.Settings settings = new AudioTransport.Settings(FskParameters.BELL_202, 255, 8,
                Duration.ofSeconds(1));
        try (SystemScheduler clock = new SystemScheduler("audio-wav-test")) {
            AudioTransport a = new AudioTransport("audio-a", settings,
                    s -> new WavDirectoryPort(ab, ba, 48_000, "a", s, 50));
            AudioTransport b = new AudioTransport("audio-b", settings,
                    s -> new WavDirectoryPort(ba, ab, 48_000, "b", s, 50));
            RecordingContext ca = new RecordingContext(clock);
            RecordingContext cb = new RecordingContext(clock);
            a.start(ca);
            b.start(cb);
            WallClock.await("both go ACTIVE", PATIENCE, () -> ca.state() == TransportState.ACTIVE
                    && cb.state() == TransportState.ACTIVE);
            assertEquals("[/audio/1200-2200/baud/1200]", ca.localAddresses().toString());
            Link la = ca.incomingLinks().get(0);
            Link lb = cb.incomingLinks().get(0);
            RecordingReceiver ra = new RecordingReceiver(clock, "a");
            RecordingReceiver rb = new RecordingReceiver(clock, "b");
            la.start(ra);
            lb.start(rb);

            byte[] frame = new byte[255];
            for (int i = 0; i < frame.length; i++) {
                frame[i] = (byte) i;
            }
            la.send(frame).toCompletableFuture().get(10, TimeUnit.SECONDS);
            try (var written = Files.list(ab)) {
                assertEquals(1, written.filter(f -> f.toString().endsWith(".wav")).count(), "one WAV file per frame");
            }
            WallClock.await("b decodes a's WAV file", PATIENCE, () -> rb.frameCount() == 1);
            assertArrayEquals(frame, rb.frames().get(0));
            try (var left = Files.list(ab)) {
                assertEquals(0, left.filter(f -> f.toString().endsWith(".wav")).count(), "read files are deleted");
            }
            lb.send(new byte[] {9, 8, 7}).toCompletableFuture().get(10, TimeUnit.SECONDS);
            WallClock.await("a decodes b's reply", PATIENCE, () -> ra.frameCount() == 1);
            assertArrayEquals(new byte[] {9, 8, 7}, ra.frames().get(0));

            // a recording minimodem made: the same bytes our modem would send, in minimodem's own 8N1 signal
            Programs.ensure("minimodem", "minimodem");
            byte[] payload = "hello from minimodem".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Path made = dir.resolve("minimodem.wav");
            Process tx = new ProcessBuilder("minimodem", "--tx", "-q", "-R", "48000", "-f", made.toString(), "1200")
                    .redirectErrorStream(true).start();
            try (var stdin = tx.getOutputStream()) {
                stdin.write(AudioFraming.encode(payload));
            }
            assertTrue(tx.waitFor(30, TimeUnit.SECONDS) && tx.exitValue() == 0, "minimodem --tx");
            Files.move(made, ba.resolve("from-minimodem.wav"));
            WallClock.await("a decodes minimodem's recording from its inbox", PATIENCE, () -> ra.frameCount() == 2);
            assertArrayEquals(payload, ra.frames().get(1));

            Files.writeString(ba.resolve("not-audio.wav"), "this is no RIFF file");
            WallClock.await("a file that is no WAV is moved aside", PATIENCE,
                    () -> Files.exists(ba.resolve("rejected").resolve("not-audio.wav")));
            assertEquals(TransportState.ACTIVE, ca.state(), "a bad file does not hurt the transport");

            a.stop();
            b.stop();
            WallClock.await("links close on stop", PATIENCE, () -> ra.closed() && rb.closed());
        }
    }

    @Test
    void javaSoundWithoutASoundCardIsUnavailableWithTheReason() throws Exception {
        boolean soundCard = false;
        var format = WavFiles.pcm16(48_000);
        for (Mixer.Info info : AudioSystem.getMixerInfo()) {
            Mixer m = AudioSystem.getMixer(info);
            soundCard |= m.isLineSupported(new DataLine.Info(SourceDataLine.class, format))
                    && m.isLineSupported(new DataLine.Info(TargetDataLine.class, format));
        }
        AudioTransport.Settings settings = new AudioTransport.Settings(FskParameters.BELL_202, 255, 8,
                Duration.ofSeconds(30));
        try (SystemScheduler clock = new SystemScheduler("audio-javasound-test")) {
            AudioTransport t = new AudioTransport("audio", settings, s -> new JavaSoundPort(48_000, "", "audio"));
            RecordingContext c = new RecordingContext(clock);
            t.start(c);
            if (soundCard) {
                WallClock.await("ACTIVE on the sound card", PATIENCE, () -> c.state() == TransportState.ACTIVE);
            } else {
                WallClock.await("UNAVAILABLE without a sound card", PATIENCE,
                        () -> c.state() == TransportState.UNAVAILABLE);
                assertTrue(c.stateDetail().startsWith("no sound device"), c.stateDetail());
                assertTrue(c.stateDetail().contains("retrying every 30 s"), c.stateDetail());
                assertTrue(c.incomingLinks().isEmpty(), "no link without a device");
            }
            t.stop();
        }
    }
}
