package org.sovereignmesh.transport.audio.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.radio.ForwardingTransport;

/**
 * Registers an {@link AudioTransport}: each factory configuration of {@value #PID} adds one (an audible and a
 * near-ultrasonic modem can run side by side).
 */
@Component(service = Transport.class, configurationPid = AudioTransportComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = "mesh.transport=audio")
@Designate(ocd = AudioTransportComponent.Config.class, factory = true)
public final class AudioTransportComponent extends ForwardingTransport {
    static final String PID = "org.sovereignmesh.transport.audio";

    @ObjectClassDefinition(name = "Sovereign Mesh audio transport",
            description = "A software FSK modem on a sound card (Java Sound) or on WAV files in folders.")
    @interface Config {
        @AttributeDefinition(description = "Transport id, unique within the node.")
        String id() default "audio";

        @AttributeDefinition(description = "Where the sound goes: a sound card through Java Sound, or WAV files "
                + "(written to outbox, read from inbox).", options = {@Option(label = "Java Sound", value = "javasound"),
                    @Option(label = "WAV files", value = "wav")})
        String device() default "javasound";

        @AttributeDefinition(description = "audible: Bell 202, 1200 baud, mark 1200 Hz, space 2200 Hz. ultrasonic: "
                + "300 baud, mark 18000 Hz, space 19200 Hz.", options = {@Option(label = "audible (Bell 202)",
                    value = "audible"), @Option(label = "near ultrasonic", value = "ultrasonic")})
        String band() default "audible";

        @AttributeDefinition(description = "Baud rate; 0 keeps the band's.", min = "0")
        double baud() default 0;

        @AttributeDefinition(description = "Mark (1) tone in Hz; 0 keeps the band's.", min = "0")
        double markHz() default 0;

        @AttributeDefinition(description = "Space (0) tone in Hz; 0 keeps the band's.", min = "0")
        double spaceHz() default 0;

        @AttributeDefinition(description = "Sample rate in Hz.", min = "8000", max = "192000")
        int sampleRate() default 48_000;

        @AttributeDefinition(description = "Largest frame in bytes (the core fragments larger packets).", min = "64",
                max = "255")
        int mtu() default 255;

        @AttributeDefinition(description = "Java Sound: part of the mixer's name; empty takes the first that plays "
                + "and records the format.")
        String mixer() default "";

        @AttributeDefinition(description = "WAV: folder transmissions are written to.")
        String outbox() default "";

        @AttributeDefinition(description = "WAV: folder whose WAV files are read and deleted.")
        String inbox() default "";

        @AttributeDefinition(description = "WAV: how often the inbox is looked at, in milliseconds.", min = "10")
        int pollMillis() default 500;

        @AttributeDefinition(description = "Frames that may wait to be played before sends are refused.", min = "1")
        int queueLimit() default 16;

        @AttributeDefinition(description = "Seconds between attempts to open an absent or failed sound device.",
                min = "1")
        int retrySeconds() default 10;
    }

    private volatile AudioTransport delegate;

    @Activate
    void activate(Config config) {
        FskParameters band = "ultrasonic".equalsIgnoreCase(config.band()) ? FskParameters.NEAR_ULTRASONIC
                : FskParameters.BELL_202;
        FskParameters modem = new FskParameters(config.sampleRate(), config.baud() > 0 ? config.baud() : band.baud(),
                config.markHz() > 0 ? config.markHz() : band.markHz(),
                config.spaceHz() > 0 ? config.spaceHz() : band.spaceHz(), band.preambleBits(), band.trailerBits(),
                band.amplitude());
        AudioTransport.Settings settings = new AudioTransport.Settings(modem, config.mtu(), config.queueLimit(),
                Duration.ofSeconds(config.retrySeconds()));
        String id = config.id();
        AudioTransport.PortFactory ports;
        if ("wav".equalsIgnoreCase(config.device())) {
            if (config.outbox().isBlank() || config.inbox().isBlank()) {
                throw new IllegalArgumentException("audio transport " + id + ": device=wav needs outbox and inbox");
            }
            Path outbox = Path.of(config.outbox());
            Path inbox = Path.of(config.inbox());
            String prefix = id + "-" + UUID.randomUUID().toString().substring(0, 8);
            int poll = config.pollMillis();
            ports = scheduler -> new WavDirectoryPort(outbox, inbox, modem.sampleRate(), prefix, scheduler, poll);
        } else if ("javasound".equalsIgnoreCase(config.device())) {
            String mixer = config.mixer();
            ports = scheduler -> new JavaSoundPort(modem.sampleRate(), mixer, id);
        } else {
            throw new IllegalArgumentException("audio transport " + id + ": device must be javasound or wav, got "
                    + config.device());
        }
        delegate = new AudioTransport(id, settings, ports);
    }

    @Deactivate
    void deactivate() {
        delegate.stop();
    }

    @Override
    protected AudioTransport delegate() {
        return delegate;
    }
}
