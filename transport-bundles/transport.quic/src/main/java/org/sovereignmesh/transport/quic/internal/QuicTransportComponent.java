package org.sovereignmesh.transport.quic.internal;

import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.transport.netty.internal.DelegatingTransport;
import org.sovereignmesh.transport.netty.internal.TransportConfig;
import org.sovereignmesh.transport.netty.internal.TransportSettings;

/** Registers a {@link QuicTransport} as a {@link Transport} service, configured by PID {@value #PID}. */
@Component(service = Transport.class, configurationPid = QuicTransportComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = "mesh.transport=quic")
@Designate(ocd = TransportConfig.class)
public final class QuicTransportComponent extends DelegatingTransport {
    static final String PID = "org.sovereignmesh.transport.quic";

    @Activate
    void activate(Map<String, Object> configuration, BundleContext context) {
        delegate = new QuicTransport("quic",
                TransportSettings.from(configuration, context::getProperty, "quic", QuicTransport.DEFAULT_PORT));
    }

    @Deactivate
    void deactivate() {
        stopDelegate();
    }
}
