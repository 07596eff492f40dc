package org.sovereignmesh.transport.ws.internal;

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

/** Registers a {@link WsTransport} as a {@link Transport} service, configured by PID {@value #PID}. */
@Component(service = Transport.class, configurationPid = WsTransportComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = "mesh.transport=ws")
@Designate(ocd = TransportConfig.class)
public final class WsTransportComponent extends DelegatingTransport {
    static final String PID = "org.sovereignmesh.transport.ws";

    @Activate
    void activate(Map<String, Object> configuration, BundleContext context) {
        delegate = new WsTransport("ws",
                TransportSettings.from(configuration, context::getProperty, "ws", WsTransport.DEFAULT_PORT));
    }

    @Deactivate
    void deactivate() {
        stopDelegate();
    }
}
