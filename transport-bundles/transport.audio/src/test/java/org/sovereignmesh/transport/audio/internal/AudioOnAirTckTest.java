package org.sovereignmesh.transport.audio.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.time.VirtualScheduler;
import org.sovereignmesh.transport.tck.HostilePeer;
import org.sovereignmesh.transport.tck.TransportFixture;
import org.sovereignmesh.transport.tck.TransportTck;

/**
 * Three audio transports (Bell 202, 1200 baud) in one in-memory room with white noise at 10 dB SNR: every frame
 * travels as samples through the real modulator, the mixed and noisy air and the real demodulator. The hostile peer
 * is a fourth sound source playing raw 8N1 characters: garbage, false sync words, bad lengths and CRCs.
 */
class AudioOnAirTckTest extends TransportTck {
    static final double SNR_DB = 10;

    @Override
    protected TransportFixture createFixture() {
        return new TransportFixture() {
            private AudioAir air;
            private final Map<Transport, Integer> indexes = new HashMap<>();

            @Override
            public Transport create(int index, VirtualScheduler clock) {
                if (air == null) {
                    air = new AudioAir(clock, 48_000, Noise.sigma(FskParameters.BELL_202.amplitude(), SNR_DB), 5);
                }
                AudioTransport t = AudioTransport.onAir("audio-" + index, FskParameters.BELL_202, 255, air, "p" + index);
                indexes.put(t, index);
                return t;
            }

            @Override
            public Optional<HostilePeer> hostilePeer(Transport target) {
                AudioPort loudspeaker = air.port("hostile");
                loudspeaker.open(new AudioPort.Events() {
                    @Override
                    public void ready(String detail) {
                    }

                    @Override
                    public void heard(float[] samples, int offset, int length) {
                    }

                    @Override
                    public void endOfRecording() {
                    }

                    @Override
                    public void failed(String reason) {
                    }
                });
                FskModulator raw = new FskModulator(FskParameters.BELL_202);
                return Optional.of(new HostilePeer() {
                    @Override
                    public void inject(byte[] bytes) {
                        loudspeaker.play(raw.modulate(bytes));
                    }

                    @Override
                    public List<byte[]> hostileInputs() {
                        List<byte[]> inputs = new ArrayList<>();
                        byte[] garbage = new byte[600];
                        new java.util.Random(3).nextBytes(garbage);
                        inputs.add(garbage);
                        byte[] syncs = new byte[400];
                        for (int i = 0; i < syncs.length; i++) {
                            syncs[i] = (byte) (i % 2 == 0 ? AudioFraming.SYNC_0 : AudioFraming.SYNC_1);
                        }
                        inputs.add(syncs);
                        byte[] badCrc = AudioFraming.encode(new byte[100]);
                        badCrc[50] ^= 1;
                        inputs.add(badCrc);
                        inputs.add(new byte[] {(byte) AudioFraming.SYNC_0, (byte) AudioFraming.SYNC_1, 0, (byte) 0xFF});
                        inputs.add(new byte[] {(byte) AudioFraming.SYNC_0, (byte) AudioFraming.SYNC_1, (byte) 200, 0x37});
                        inputs.add(java.util.Arrays.copyOf(AudioFraming.encode(new byte[255]), 120));
                        return inputs;
                    }

                    @Override
                    public byte[] wellFormed(byte[] payload) {
                        return AudioFraming.encode(payload);
                    }

                    @Override
                    public void close() {
                        loudspeaker.close();
                    }
                });
            }
        };
    }
}
