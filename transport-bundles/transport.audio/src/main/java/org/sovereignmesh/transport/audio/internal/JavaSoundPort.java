package org.sovereignmesh.transport.audio.internal;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.SourceDataLine;
import javax.sound.sampled.TargetDataLine;

import org.sovereignmesh.api.transport.TransportException;

/**
 * A sound card through Java Sound ({@code javax.sound.sampled}): 16-bit signed mono PCM at the modem's sample rate,
 * played on a {@link SourceDataLine} and captured from a {@link TargetDataLine} of the configured mixer (or the first
 * that offers the format). Opening, capturing and playing each run on the port's own threads, which block on the
 * lines; the node's scheduler never does. Half duplex: what the microphone picks up while the port transmits (its own
 * sound) is discarded. With no sound card, no mixer offers the lines and the port fails saying so.
 */
final class JavaSoundPort implements AudioPort {
    private static final System.Logger LOG = System.getLogger(JavaSoundPort.class.getName());
    /** Capture in blocks of 20 ms. */
    private static final int BLOCK_MILLIS = 20;

    private final int sampleRate;
    private final String mixerName;
    private final String name;
    private final LinkedBlockingQueue<Playback> playQueue = new LinkedBlockingQueue<>(64);

    // guarded by this
    private Events events;
    private SourceDataLine speaker;
    private TargetDataLine microphone;
    private Thread opener;
    private Thread capture;
    private Thread player;
    private volatile boolean transmitting;
    private volatile boolean closed;

    JavaSoundPort(int sampleRate, String mixerName, String name) {
        this.sampleRate = sampleRate;
        this.mixerName = mixerName == null ? "" : mixerName.trim();
        this.name = name;
    }

    @Override
    public synchronized void open(Events newEvents) {
        events = newEvents;
        closed = false;
        opener = new Thread(this::openLines, "mesh-audio-open-" + name);
        opener.setDaemon(true);
        opener.start();
    }

    private void openLines() {
        AudioFormat format = WavFiles.pcm16(sampleRate);
        SourceDataLine out;
        TargetDataLine in;
        try {
            Mixer.Info chosen = chooseMixer(format);
            out = (SourceDataLine) line(chosen, new DataLine.Info(SourceDataLine.class, format));
            in = (TargetDataLine) line(chosen, new DataLine.Info(TargetDataLine.class, format));
            out.open(format, sampleRate / 5 * 2);
            in.open(format, sampleRate / 5 * 2);
        } catch (LineUnavailableException | IllegalArgumentException | SecurityException | UnavailableException e) {
            fail(e.getMessage());
            return;
        }
        synchronized (this) {
            if (closed) {
                out.close();
                in.close();
                return;
            }
            speaker = out;
            microphone = in;
            capture = new Thread(this::captureLoop, "mesh-audio-capture-" + name);
            player = new Thread(this::playLoop, "mesh-audio-play-" + name);
            capture.setDaemon(true);
            player.setDaemon(true);
        }
        in.start();
        out.start();
        capture.start();
        player.start();
        Events current = current();
        if (current != null) {
            current.ready(describe());
        }
    }

    private Mixer.Info chooseMixer(AudioFormat format) throws UnavailableException {
        Mixer.Info[] mixers = AudioSystem.getMixerInfo();
        if (mixers.length == 0) {
            throw new UnavailableException("no sound device: Java Sound finds no mixer at all (no sound card or no "
                    + "ALSA device is visible to the JVM)");
        }
        List<String> names = new ArrayList<>();
        DataLine.Info play = new DataLine.Info(SourceDataLine.class, format);
        DataLine.Info record = new DataLine.Info(TargetDataLine.class, format);
        for (Mixer.Info info : mixers) {
            names.add(info.getName());
            if (!mixerName.isEmpty() && !info.getName().contains(mixerName)) {
                continue;
            }
            Mixer mixer = AudioSystem.getMixer(info);
            if (mixer.isLineSupported(play) && mixer.isLineSupported(record)) {
                return info;
            }
        }
        throw new UnavailableException("no sound device plays and records " + format + (mixerName.isEmpty() ? ""
                : " among mixers named '" + mixerName + "'") + "; Java Sound lists " + names);
    }

    private static javax.sound.sampled.Line line(Mixer.Info mixer, DataLine.Info info) throws LineUnavailableException {
        return AudioSystem.getMixer(mixer).getLine(info);
    }

    private void captureLoop() {
        TargetDataLine in;
        synchronized (this) {
            in = microphone;
        }
        byte[] buffer = new byte[sampleRate * BLOCK_MILLIS / 1000 * 2];
        float[] samples = new float[buffer.length / 2];
        while (!closed) {
            int n = in.read(buffer, 0, buffer.length);
            if (n <= 0) {
                if (!in.isOpen() && !closed) {
                    fail("the capture line closed (device removed?)");
                    return;
                }
                continue;
            }
            int count = n / 2;
            boolean deaf = transmitting;
            for (int i = 0; i < count; i++) {
                samples[i] = deaf ? 0f : (short) ((buffer[2 * i] & 0xFF) | (buffer[2 * i + 1] << 8)) / 32768f;
            }
            Events current = current();
            if (current != null) {
                current.heard(samples, 0, count);
            }
        }
    }

    private void playLoop() {
        SourceDataLine out;
        synchronized (this) {
            out = speaker;
        }
        while (!closed) {
            Playback next;
            try {
                next = playQueue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (next == null) {
                continue;
            }
            transmitting = true;
            try {
                byte[] pcm = WavFiles.toPcm16(next.samples);
                int written = 0;
                while (written < pcm.length && !closed) {
                    written += out.write(pcm, written, pcm.length - written);
                }
                out.drain();
                next.done.complete(null);
            } catch (RuntimeException e) {
                next.done.completeExceptionally(new TransportException("playing failed: " + e.getMessage(), e));
            } finally {
                transmitting = false;
            }
        }
    }

    @Override
    public CompletionStage<Void> play(float[] samples) {
        if (closed) {
            return CompletableFuture.failedFuture(new TransportException(describe() + " is closed"));
        }
        Playback p = new Playback(samples);
        if (!playQueue.offer(p)) {
            return CompletableFuture.failedFuture(new TransportException("playback queue of " + describe() + " full"));
        }
        return p.done;
    }

    private synchronized Events current() {
        return closed ? null : events;
    }

    private void fail(String reason) {
        Events current = current();
        if (current != null) {
            LOG.log(Level.DEBUG, "Java Sound unavailable: {0}", reason);
            current.failed(reason);
        }
    }

    @Override
    public void close() {
        SourceDataLine out;
        TargetDataLine in;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            events = null;
            out = speaker;
            in = microphone;
            speaker = null;
            microphone = null;
        }
        Playback p;
        while ((p = playQueue.poll()) != null) {
            p.done.completeExceptionally(new TransportException(describe() + " closed"));
        }
        // closing the lines wakes the threads blocked in read and write
        if (in != null) {
            in.close();
        }
        if (out != null) {
            out.close();
        }
    }

    @Override
    public String describe() {
        return "Java Sound" + (mixerName.isEmpty() ? "" : " mixer '" + mixerName + "'") + " at " + sampleRate + " Hz";
    }

    private static final class Playback {
        final float[] samples;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Playback(float[] samples) {
            this.samples = samples;
        }
    }

    private static final class UnavailableException extends Exception {
        private static final long serialVersionUID = 1L;

        UnavailableException(String message) {
            super(message);
        }
    }
}
