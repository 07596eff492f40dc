package org.sovereignmesh.transport.audio.internal;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.TransportProfile;
import org.sovereignmesh.radio.Modem;
import org.sovereignmesh.radio.ModemTransport;

/**
 * Sound as a broadcast transport: one link to the acoustic channel ({@code /audio/1200-2200/baud/1200}: mark and
 * space in Hz, then the baud rate), offered once the sound device is open. Everyone in earshot hears every frame, so
 * links are BROADCAST, half duplex and lossy; the core seals each packet and fragments to the MTU. Frames go out one
 * at a time through a bounded outbox; a frame's send completes when it has been played (or written). A device that is
 * absent or fails makes the transport UNAVAILABLE with the reason, and it tries again every retry interval (all of it
 * {@link ModemTransport}, as for LoRa). Plain Java: the sound device comes from a factory, so tests use the in-memory
 * {@link AudioAir} or WAV folders.
 */
public final class AudioTransport extends ModemTransport {
    private final Settings settings;
    private final PortFactory ports;
    private final AudioModem modem;

    /** Makes the sound device for one start (the scheduler is the node's). */
    @FunctionalInterface
    interface PortFactory {
        AudioPort create(Scheduler scheduler);
    }

    /** The modem and the link's limits. */
    record Settings(FskParameters modem, int mtu, int queueLimit, Duration retryInterval) {
        Settings {
            if (mtu < TransportProfile.MIN_MTU || mtu > AudioFraming.MAX_PAYLOAD) {
                throw new IllegalArgumentException("audio MTU must be " + TransportProfile.MIN_MTU + " to "
                        + AudioFraming.MAX_PAYLOAD + " bytes, got " + mtu);
            }
            if (queueLimit < 1) {
                throw new IllegalArgumentException("queue limit must be at least 1, got " + queueLimit);
            }
        }

        /** @return the channel: mark-space in Hz and baud, e.g. {@code /audio/1200-2200/baud/1200} */
        MeshAddress channelAddress() {
            return MeshAddress.of("audio", FskParameters.fmt(modem.markHz()) + "-" + FskParameters.fmt(modem.spaceHz()))
                    .with("baud", FskParameters.fmt(modem.baud()));
        }
    }

    AudioTransport(String id, Settings settings, PortFactory ports) {
        super(id, "audio", settings.channelAddress(), profile(settings), 1.0, settings.queueLimit(),
                settings.retryInterval());
        this.settings = settings;
        this.ports = ports;
        this.modem = new AudioModem(settings.modem());
    }

    /** Simplex, broadcast, lossy; the bit rate and latency are the airtime of a full and of a 1-byte frame. */
    private static TransportProfile profile(Settings settings) {
        AudioModem m = new AudioModem(settings.modem());
        long fullFrame = m.airtimeNanos(settings.mtu());
        return TransportProfile.builder().duplex(false).broadcast(true).lossy(true).mtu(settings.mtu())
                .bitrate(Math.max(1, Math.round(settings.mtu() * 8.0 * 1e9 / fullFrame)))
                .latency(Duration.ofNanos(m.airtimeNanos(1))).cost(0).build();
    }

    /** An audio transport whose sound travels through {@code air} (tests, simulator). */
    public static AudioTransport onAir(String id, FskParameters parameters, int mtu, AudioAir air, String port) {
        return new AudioTransport(id, new Settings(parameters, mtu, 16, Duration.ofSeconds(10)),
                scheduler -> air.port(port));
    }

    @Override
    protected long airtimeNanos(int frameBytes) {
        return modem.airtimeNanos(frameBytes);
    }

    @Override
    protected Modem createModem(Scheduler scheduler) {
        return new PortModem(ports.create(scheduler));
    }

    /** The sound device with the modem between it and the transport: frames to samples and back. */
    private final class PortModem implements Modem {
        private final AudioPort port;

        PortModem(AudioPort port) {
            this.port = port;
        }

        @Override
        public void open(Events events) {
            AudioModem.Receiver receiver = modem.receiver(events::received);
            port.open(new AudioPort.Events() {
                @Override
                public void ready(String detail) {
                    events.ready(settings.modem() + " on " + detail);
                }

                @Override
                public void heard(float[] samples, int offset, int length) {
                    receiver.feed(samples, offset, length);
                }

                @Override
                public void endOfRecording() {
                    receiver.endOfRecording();
                }

                @Override
                public void failed(String reason) {
                    events.failed(reason);
                }
            });
        }

        @Override
        public CompletionStage<Void> transmit(byte[] frame) {
            return port.play(modem.modulate(frame));
        }

        @Override
        public void close() {
            port.close();
        }

        @Override
        public String describe() {
            return port.describe();
        }
    }
}
