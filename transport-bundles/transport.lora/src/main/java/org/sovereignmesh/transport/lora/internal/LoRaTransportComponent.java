package org.sovereignmesh.transport.lora.internal;

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
 * Registers a {@link LoRaTransport} for an RNode-style modem on a serial port. A radio must be configured (port,
 * and a frequency legal where it runs): each factory configuration of {@value #PID} adds one.
 */
@Component(service = Transport.class, configurationPid = LoRaTransportComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = "mesh.transport=lora")
@Designate(ocd = LoRaTransportComponent.Config.class, factory = true)
public final class LoRaTransportComponent extends ForwardingTransport {
    static final String PID = "org.sovereignmesh.transport.lora";

    @ObjectClassDefinition(name = "Sovereign Mesh LoRa transport",
            description = "LoRa broadcast radio through an RNode-style KISS modem on a serial port.")
    @interface Config {
        @AttributeDefinition(description = "Transport id, unique within the node.")
        String id() default "lora";

        @AttributeDefinition(description = "Serial port of the modem, for example /dev/ttyUSB0 or /dev/ttyACM0.")
        String port();

        @AttributeDefinition(description = "Serial speed in baud (RNode: 115200).", min = "1200")
        int baudRate() default 115200;

        @AttributeDefinition(description = "Centre frequency in Hz (EU 868: 868100000; US 915: 915000000).")
        long frequencyHz() default 868_100_000L;

        @AttributeDefinition(description = "Bandwidth in Hz: 7800, 10400, 15600, 20800, 31250, 41700, 62500, 125000, 250000 or 500000.")
        long bandwidthHz() default 125_000L;

        @AttributeDefinition(description = "Spreading factor, 6 to 12.", min = "6", max = "12")
        int spreadingFactor() default 9;

        @AttributeDefinition(description = "Coding rate denominator: 5 to 8 for 4/5 to 4/8.", min = "5", max = "8")
        int codingRate() default 5;

        @AttributeDefinition(description = "Preamble length in symbols the modem sends (for exact airtime accounting).", min = "6")
        int preambleSymbols() default 8;

        @AttributeDefinition(description = "Transmit power in dBm.", min = "-9", max = "22")
        int txPowerDbm() default 14;

        @AttributeDefinition(description = "Duty-cycle budget in percent of any hour (EU 868 MHz g1 band: 1; 100 = unlimited).", min = "0.001", max = "100")
        double dutyCyclePercent() default 1.0;

        @AttributeDefinition(description = "Frames that may wait for airtime or duty-cycle budget before sends are refused.", min = "1")
        int queueLimit() default 32;

        @AttributeDefinition(description = "Seconds between attempts to reach an absent or failed modem.", min = "1")
        int retrySeconds() default 10;
    }

    @Reference
    private SerialPorts ports;

    private LoRaTransport delegate;

    @Activate
    void activate(Config config) {
        LoRaSettings settings = new LoRaSettings(config.frequencyHz(),
                new LoRaModulation(config.spreadingFactor(), config.bandwidthHz(), config.codingRate(),
                        config.preambleSymbols()),
                config.txPowerDbm(), config.dutyCyclePercent() / 100.0, config.queueLimit(),
                Duration.ofSeconds(config.retrySeconds()));
        String port = config.port();
        int baud = config.baudRate();
        SerialPorts serial = ports;
        delegate = new LoRaTransport(config.id(), settings,
                scheduler -> new RNodeModem(serial, port, baud, settings, scheduler));
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
