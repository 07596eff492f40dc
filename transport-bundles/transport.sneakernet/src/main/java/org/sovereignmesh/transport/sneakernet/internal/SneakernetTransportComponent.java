package org.sovereignmesh.transport.sneakernet.internal;

import java.nio.file.Path;
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

/**
 * One {@link SneakernetTransport} per factory configuration of {@value #PID}: a node carries packets on the media
 * its operator configures, and on nothing by default.
 */
@Component(service = Transport.class, configurationPid = SneakernetTransportComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = "mesh.transport=sneakernet")
@Designate(ocd = SneakernetTransportComponent.Config.class, factory = true)
public final class SneakernetTransportComponent extends ForwardingTransport {
    static final String PID = "org.sovereignmesh.transport.sneakernet";

    @ObjectClassDefinition(name = "Sovereign Mesh sneakernet transport",
            description = "Removable media (a USB stick) as a carrier: packets the node holds are written there, "
                    + "packets found there are imported.")
    @interface Config {
        @AttributeDefinition(description = "Transport id, unique within the node.")
        String id() default "sneakernet";

        @AttributeDefinition(description = "Where the medium is mounted, e.g. /media/usb0.")
        String mountPoint();

        @AttributeDefinition(description = "Seconds between scans of the medium.", min = "1")
        int scanSeconds() default 5;

        @AttributeDefinition(description = "Days a frame file stays on the medium.", min = "1")
        int retentionDays() default 30;

        @AttributeDefinition(description = "Largest frame file in bytes.", min = "256")
        int mtu() default 65536;
    }

    private SneakernetTransport delegate;

    @Activate
    void activate(Config config) {
        delegate = new SneakernetTransport(config.id(), Path.of(config.mountPoint()),
                Duration.ofSeconds(config.scanSeconds()), Duration.ofDays(config.retentionDays()), config.mtu());
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
