package org.sovereignmesh.transport.ble.internal;

import java.time.Duration;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.radio.ForwardingTransport;
import org.sovereignmesh.transport.ble.internal.bluez.BluezStack;

/**
 * Registers a {@link BleTransport} on a BlueZ adapter. Without configuration one appears for {@code hci0} on the
 * system bus; each factory configuration of {@value #PID} adds one (another adapter).
 */
@Component(service = Transport.class, configurationPid = BleTransportComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = "mesh.transport=ble")
@Designate(ocd = BleTransportComponent.Config.class, factory = true)
public final class BleTransportComponent extends ForwardingTransport {
    static final String PID = "org.sovereignmesh.transport.ble";

    @ObjectClassDefinition(name = "Sovereign Mesh Bluetooth LE transport",
            description = "GATT peripheral and central on a BlueZ adapter, over D-Bus.")
    @interface Config {
        @AttributeDefinition(description = "Transport id, unique within the node.")
        String id() default "ble";

        @AttributeDefinition(description = "BlueZ adapter name.")
        String adapter() default "hci0";

        @AttributeDefinition(description = "D-Bus address of the bus BlueZ is on; empty for the system bus.")
        String busAddress() default "";

        @AttributeDefinition(description = "Local name in the advertisement.")
        String localName() default "sovereign-mesh";

        @AttributeDefinition(description = "Largest frame in bytes; links use the smaller of both ends'.", min = "64",
                max = "65535")
        int maxFrame() default 2048;

        @AttributeDefinition(description = "ATT MTU expected for connections (BlueZ negotiates the real one; this "
                + "sets the nominal bit rate's chunk overhead).", min = "23", max = "517")
        int attMtu() default 247;

        @AttributeDefinition(description = "Nominal bit rate of a connection, bits per second.", min = "1000")
        long bitrate() default 250_000;

        @AttributeDefinition(description = "Nominal one-way latency in milliseconds (about a connection interval).",
                min = "1")
        int latencyMillis() default 30;

        @AttributeDefinition(description = "Seconds a connection may take to come up and welcome a link.", min = "1")
        int setupSeconds() default 15;

        @AttributeDefinition(description = "Seconds between attempts to reach an absent or failed adapter.", min = "1")
        int retrySeconds() default 10;

        @AttributeDefinition(description = "Frames a link queues before sends are refused.", min = "1")
        int queueLimit() default 256;
    }

    private volatile BleTransport delegate;

    @Activate
    void activate(Config config) {
        BleSettings settings = new BleSettings(config.maxFrame(), config.attMtu(), config.bitrate(),
                Duration.ofMillis(config.latencyMillis()), Duration.ofSeconds(config.setupSeconds()),
                Duration.ofSeconds(config.retrySeconds()), config.queueLimit());
        String bus = config.busAddress();
        String adapter = config.adapter();
        String name = config.localName();
        delegate = new BleTransport(config.id(), settings,
                scheduler -> new BluezStack(scheduler, bus, adapter, name, settings.setupTimeout()));
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
