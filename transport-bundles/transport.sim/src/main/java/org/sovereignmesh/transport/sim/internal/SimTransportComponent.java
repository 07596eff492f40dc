package org.sovereignmesh.transport.sim.internal;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.radio.ForwardingTransport;
import org.sovereignmesh.transport.sim.AirtimeModel;
import org.sovereignmesh.transport.sim.RadioMedium;
import org.sovereignmesh.transport.sim.StationSpec;

/**
 * Registers a {@link SimRadioTransport}: a station on the simulated medium named in its configuration. Without
 * configuration one station with a random name at (0, 0) appears on medium {@code sim}; each factory configuration
 * of {@value #PID} adds another. Media are tracked dynamically: bind methods only hand them over.
 */
@Component(service = Transport.class, configurationPid = SimTransportComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = "mesh.transport=sim")
@Designate(ocd = SimTransportComponent.Config.class, factory = true)
public final class SimTransportComponent extends ForwardingTransport {
    static final String PID = "org.sovereignmesh.transport.sim";

    @ObjectClassDefinition(name = "Sovereign Mesh simulated radio transport",
            description = "A station on a simulated broadcast radio medium, for itests and demos.")
    @interface Config {
        @AttributeDefinition(description = "Transport id, unique within the node.")
        String id() default "sim";

        @AttributeDefinition(description = "Name of the simulated medium to join.")
        String medium() default "sim";

        @AttributeDefinition(description = "Station name; empty picks a random one.")
        String station() default "";

        @AttributeDefinition(description = "Position x (metres).")
        double x() default 0;

        @AttributeDefinition(description = "Position y (metres).")
        double y() default 0;

        @AttributeDefinition(description = "Range of this station's transmissions (metres).", min = "0")
        double range() default 1000;

        @AttributeDefinition(description = "Bit rate on air, bits per second.", min = "1")
        long bitrate() default 9600;

        @AttributeDefinition(description = "Largest frame in bytes.", min = "64")
        int mtu() default 255;

        @AttributeDefinition(description = "Duty cycle in percent of any hour (100 = unlimited, 1 = EU 868 MHz).", min = "0.001", max = "100")
        double dutyCyclePercent() default 100;

        @AttributeDefinition(description = "Frames that may wait for airtime or duty-cycle budget.", min = "1")
        int queueLimit() default 16;
    }

    private final Set<RadioMedium> media = ConcurrentHashMap.newKeySet();
    private volatile SimRadioTransport delegate;

    @Activate
    void activate(Config config) {
        String station = config.station().isBlank() ? "st-" + UUID.randomUUID().toString().substring(0, 8)
                : config.station();
        StationSpec spec = new StationSpec(station, config.x(), config.y(), config.range(),
                AirtimeModel.ofBitrate(config.bitrate()), config.dutyCyclePercent() / 100.0);
        SimRadioTransport created = new SimRadioTransport(config.id(), config.medium(), spec, config.mtu(),
                config.queueLimit());
        delegate = created;
        media.forEach(created::mediumAvailable);
    }

    @Deactivate
    void deactivate() {
        delegate.stop();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindMedium(RadioMedium medium) {
        media.add(medium);
        SimRadioTransport current = delegate;
        if (current != null) {
            current.mediumAvailable(medium);
        }
    }

    void unbindMedium(RadioMedium medium) {
        media.remove(medium);
        SimRadioTransport current = delegate;
        if (current != null) {
            current.mediumGone(medium);
        }
    }

    @Override
    protected Transport delegate() {
        return delegate;
    }
}
