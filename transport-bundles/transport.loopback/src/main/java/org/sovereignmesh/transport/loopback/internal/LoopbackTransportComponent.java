package org.sovereignmesh.transport.loopback.internal;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.api.transport.TransportContext;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.api.transport.TransportProfile;

/**
 * Registers a {@link LoopbackTransport} as a {@link Transport} service. Without configuration one endpoint with a
 * random name appears; each factory configuration of {@value #PID} adds one more.
 */
@Component(service = Transport.class, configurationPid = LoopbackTransportComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = "mesh.transport=loopback")
@Designate(ocd = LoopbackTransportComponent.Config.class, factory = true)
public final class LoopbackTransportComponent implements Transport {
    static final String PID = "org.sovereignmesh.transport.loopback";

    @ObjectClassDefinition(name = "Sovereign Mesh loopback transport",
            description = "In-memory medium between endpoints of one JVM, for tests and demos.")
    @interface Config {
        @AttributeDefinition(description = "Transport id, unique within the node.")
        String id() default "loopback";

        @AttributeDefinition(description = "Medium: the address protocol, /<medium>/<name>. Endpoints of different media never meet.")
        String medium() default LoopbackTransport.DEFAULT_MEDIUM;

        @AttributeDefinition(description = "Endpoint name, the value in /<medium>/<name>; empty picks a random one.")
        String name() default "";

        @AttributeDefinition(description = "Largest frame in bytes.", min = "64")
        int mtu() default 65536;

        @AttributeDefinition(description = "One-way latency in milliseconds.", min = "0")
        int latencyMillis() default 0;

        @AttributeDefinition(description = "Bit rate in bits per second.", min = "1")
        long bitrate() default 1_000_000_000L;

        @AttributeDefinition(description = "Relative cost per kilobyte (0 = free).", min = "0")
        int cost() default 0;

        @AttributeDefinition(description = "Announce this endpoint to the others so their nodes connect.")
        boolean announce() default true;
    }

    private LoopbackTransport delegate;

    @Activate
    void activate(Config config) {
        String name = config.name().isBlank() ? "lb-" + UUID.randomUUID().toString().substring(0, 8) : config.name();
        TransportProfile profile = TransportProfile.builder().mtu(config.mtu())
                .latency(Duration.ofMillis(config.latencyMillis())).bitrate(config.bitrate()).cost(config.cost())
                .build();
        delegate = new LoopbackTransport(config.id(), config.medium(), name, profile, config.announce());
    }

    @Deactivate
    void deactivate() {
        delegate.stop();
    }

    @Override
    public String id() {
        return delegate.id();
    }

    @Override
    public TransportProfile profile() {
        return delegate.profile();
    }

    @Override
    public boolean supports(MeshAddress address) {
        return delegate.supports(address);
    }

    @Override
    public void start(TransportContext context) throws TransportException {
        delegate.start(context);
    }

    @Override
    public void stop() {
        delegate.stop();
    }

    @Override
    public CompletionStage<Link> connect(MeshAddress address) {
        return delegate.connect(address);
    }
}
