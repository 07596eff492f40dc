package org.sovereignmesh.transport.udp.internal;

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

/** Registers a {@link UdpTransport} as a {@link Transport} service, configured by PID {@value #PID}. */
@Component(service = Transport.class, configurationPid = UdpTransportComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = "mesh.transport=udp")
@Designate(ocd = TransportConfig.class)
public final class UdpTransportComponent extends DelegatingTransport {
    static final String PID = "org.sovereignmesh.transport.udp";

    @Activate
    void activate(Map<String, Object> configuration, BundleContext context) {
        delegate = new UdpTransport("udp",
                TransportSettings.from(configuration, context::getProperty, "udp", UdpTransport.DEFAULT_PORT));
    }

    @Deactivate
    void deactivate() {
        stopDelegate();
    }
}
