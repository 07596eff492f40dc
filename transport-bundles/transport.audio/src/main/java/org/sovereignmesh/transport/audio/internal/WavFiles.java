package org.sovereignmesh.transport.audio.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * WAV files through Java Sound's file API (which needs no sound card): written as 16-bit signed little-endian PCM,
 * mono, at the modem's sample rate; read from 8-, 16-, 24- or 32-bit integer PCM of any channel count (channels are
 * averaged), at the same sample rate only (resampling would move the tones).
 */
public final class WavFiles {
    /**
     * Largest WAV file read: 10 minutes of 48 kHz 32-bit stereo, far beyond any frame (a file is read a block at a
     * time, so this bounds the time a file takes, not memory).
     */
    public static final long MAX_BYTES = 256L * 1024 * 1024;

    private WavFiles() {
    }

    public static AudioFormat pcm16(int sampleRate) {
        return new AudioFormat(AudioFormat.Encoding.PCM_SIGNED, sampleRate, 16, 1, 2, sampleRate, false);
    }

    /** @return {@code samples} (full scale 1.0, clipped) as 16-bit little-endian PCM */
    public static byte[] toPcm16(float[] samples) {
        ByteBuffer out = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float s : samples) {
            out.putShort((short) Math.round(Math.max(-1f, Math.min(1f, s)) * 32767f));
        }
        return out.array();
    }

    /** Writes {@code samples} to {@code file} as a WAV file (not atomically: callers write to a temporary name). */
    public static void write(Path file, float[] samples, int sampleRate) throws IOException {
        byte[] pcm = toPcm16(samples);
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm), pcm16(sampleRate),
                samples.length)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, file.toFile());
        }
    }

    /**
     * @return the file's samples, channels averaged, full scale 1.0 (for files known to be short: tests, tools)
     * @throws IOException saying what is wrong: not a WAV file, not integer PCM, another sample rate, too large
     */
    public static float[] read(Path file, int expectedSampleRate) throws IOException {
        java.util.List<float[]> blocks = new java.util.ArrayList<>();
        stream(file, expectedSampleRate, (block, n) -> blocks.add(java.util.Arrays.copyOf(block, n)));
        int total = blocks.stream().mapToInt(b -> b.length).sum();
        float[] out = new float[total];
        int at = 0;
        for (float[] b : blocks) {
            System.arraycopy(b, 0, out, at, b.length);
            at += b.length;
        }
        return out;
    }

    /** Receives a file's samples a block at a time; the array is reused after the call returns. */
    @FunctionalInterface
    public interface BlockSink {
        void block(float[] samples, int count);
    }

    /**
     * Reads {@code file} a block (about 85 ms at 48 kHz) at a time, channels averaged, full scale 1.0: memory stays
     * bounded by one block whatever the file's length.
     *
     * @throws IOException saying what is wrong: not a WAV file, not integer PCM, another sample rate, too large
     */
    public static void stream(Path file, int expectedSampleRate, BlockSink sink) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new IOException(file + " is " + size + " bytes, above the limit of " + MAX_BYTES);
        }
        try (InputStream raw = Files.newInputStream(file);
                AudioInputStream in = AudioSystem.getAudioInputStream(new java.io.BufferedInputStream(raw))) {
            stream(in, expectedSampleRate, file.toString(), sink);
        } catch (UnsupportedAudioFileException e) {
            throw new IOException(file + " is not a WAV file Java Sound can read: " + e.getMessage(), e);
        }
    }

    static void stream(AudioInputStream in, int expectedSampleRate, String name, BlockSink sink)
            throws IOException {
        AudioFormat f = in.getFormat();
        if (f.getEncoding() != AudioFormat.Encoding.PCM_SIGNED && f.getEncoding() != AudioFormat.Encoding.PCM_UNSIGNED) {
            throw new IOException(name + ": encoding " + f.getEncoding() + " is not integer PCM");
        }
        if (Math.round(f.getSampleRate()) != expectedSampleRate) {
            throw new IOException(name + ": sample rate " + Math.round(f.getSampleRate()) + " Hz, the modem runs at "
                    + expectedSampleRate + " Hz");
        }
        int bits = f.getSampleSizeInBits();
        int channels = f.getChannels();
        if (bits % 8 != 0 || bits < 8 || bits > 32 || channels < 1 || channels > 32) {
            throw new IOException(name + ": " + bits + "-bit samples in " + channels + " channels are not supported");
        }
        int bytesPerSample = bits / 8;
        int frameSize = bytesPerSample * channels;
        boolean signed = f.getEncoding() == AudioFormat.Encoding.PCM_SIGNED;
        boolean big = f.isBigEndian();
        double scale = 1.0 / (1L << (bits - 1));
        byte[] data = new byte[4096 * frameSize];
        float[] out = new float[4096];
        int held = 0;
        while (true) {
            int n = in.read(data, held, data.length - held);
            if (n < 0) {
                break;
            }
            held += n;
            int frames = held / frameSize;
            for (int i = 0; i < frames; i++) {
                double sum = 0;
                for (int c = 0; c < channels; c++) {
                    int at = i * frameSize + c * bytesPerSample;
                    long v = 0;
                    for (int b = 0; b < bytesPerSample; b++) {
                        int idx = big ? at + b : at + bytesPerSample - 1 - b;
                        v = (v << 8) | (data[idx] & 0xFF);
                    }
                    if (signed) {
                        v = (v << (64 - bits)) >> (64 - bits);
                    } else {
                        v -= 1L << (bits - 1);
                    }
                    sum += v * scale;
                }
                out[i] = (float) (sum / channels);
            }
            if (frames > 0) {
                sink.block(out, frames);
            }
            int rest = held - frames * frameSize;
            System.arraycopy(data, frames * frameSize, data, 0, rest);
            held = rest;
        }
    }
}
