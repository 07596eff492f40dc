package org.sovereignmesh.transport.satellite.internal;

import java.time.Duration;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.radio.ForwardingTransport;
import org.sovereignmesh.serial.SerialPorts;

/**
 * Registers a {@link SatelliteTransport} for an Iridium SBD modem on a serial port; each factory configuration of
 * {@value #PID} adds one. Needs configuration: a modem that is not there must not cost anything.
 */
@Component(service = Transport.class, configurationPid = SatelliteTransportComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = "mesh.transport=satellite")
@Designate(ocd = SatelliteTransportComponent.Config.class, factory = true)
public final class SatelliteTransportComponent extends ForwardingTransport {
    static final String PID = "org.sovereignmesh.transport.satellite";

    @ObjectClassDefinition(name = "Sovereign Mesh satellite transport (Iridium SBD)",
            description = "Short Burst Data messages through an Iridium 9602/9603 modem on a serial port.")
    @interface Config {
        @AttributeDefinition(description = "Transport id, unique within the node.")
        String id() default "satellite";

        @AttributeDefinition(description = "Serial port of the modem, for example /dev/ttyUSB0.")
        String port();

        @AttributeDefinition(description = "Serial speed in baud (9602/9603 and RockBLOCK: 19200).", min = "1200")
        int baudRate() default 19200;

        @AttributeDefinition(description = "Largest frame in bytes: 340 (MO limit) towards a ground station, 270 (MT limit) between two modems.", min = "64", max = "340")
        int mtu() default 340;

        @AttributeDefinition(description = "Messages that may wait for a session before sends are refused.", min = "1")
        int queueLimit() default 8;

        @AttributeDefinition(description = "Most SBD sessions (each may cost credits) in any 24 hours.", min = "1")
        int maxSessionsPerDay() default 200;

        @AttributeDefinition(description = "Sessions tried for one message before it fails.", min = "1")
        int maxAttempts() default 6;

        @AttributeDefinition(description = "Seconds before the first retry; doubles with each failure.", min = "1")
        int backoffSeconds() default 20;

        @AttributeDefinition(description = "Longest wait between retries, in seconds.", min = "1")
        int maxBackoffSeconds() default 600;

        @AttributeDefinition(description = "Minutes between mailbox checks besides ring alerts (0: only on ring alerts).", min = "0")
        int mailboxCheckMinutes() default 60;

        @AttributeDefinition(description = "Seconds between attempts to reach an absent or failed modem.", min = "1")
        int reconnectSeconds() default 30;
    }

    @Reference
    private SerialPorts ports;

    private SatelliteTransport delegate;

    @Activate
    void activate(Config config) {
        SatelliteSettings settings = new SatelliteSettings(config.mtu(), config.queueLimit(),
                config.maxSessionsPerDay(), config.maxAttempts(), Duration.ofSeconds(config.backoffSeconds()),
                Duration.ofSeconds(Math.max(config.backoffSeconds(), config.maxBackoffSeconds())),
                Duration.ofMinutes(config.mailboxCheckMinutes()), Duration.ofSeconds(config.reconnectSeconds()));
        SerialPorts serial = ports;
        String port = config.port();
        int baud = config.baudRate();
        delegate = new SatelliteTransport(config.id(), settings, scheduler -> new SbdDriver(serial, port, baud,
                scheduler));
    }

    @Deactivate
    void deactivate() {
        delegate.stop();
    }

    @Override
    protected Transport delegate() {
        return delegate;
    }
}
