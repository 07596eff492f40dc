package org.sovereignmesh.transport.tcp.internal;

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

/** Registers a {@link TcpTransport} as a {@link Transport} service, configured by PID {@value #PID}. */
@Component(service = Transport.class, configurationPid = TcpTransportComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = "mesh.transport=tcp")
@Designate(ocd = TransportConfig.class)
public final class TcpTransportComponent extends DelegatingTransport {
    static final String PID = "org.sovereignmesh.transport.tcp";

    @Activate
    void activate(Map<String, Object> configuration, BundleContext context) {
        delegate = new TcpTransport("tcp",
                TransportSettings.from(configuration, context::getProperty, "tcp", TcpTransport.DEFAULT_PORT));
    }

    @Deactivate
    void deactivate() {
        stopDelegate();
    }
}
