package org.sovereignmesh.transport.wifidirect.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.transport.netty.internal.DelegatingTransport;
import org.sovereignmesh.transport.netty.internal.TransportSettings;

/**
 * Registers a {@link WifiDirectTransport}. Without configuration one appears for {@code p2p-dev-wlan0} under
 * {@code /var/run/wpa_supplicant}; each factory configuration of {@value #PID} adds one (another radio).
 */
@Component(service = Transport.class, configurationPid = WifiDirectTransportComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = "mesh.transport=wifidirect")
@Designate(ocd = WifiDirectTransportComponent.Config.class, factory = true)
public final class WifiDirectTransportComponent extends DelegatingTransport {
    static final String PID = "org.sovereignmesh.transport.wifidirect";

    @ObjectClassDefinition(name = "Sovereign Mesh Wi-Fi Direct transport",
            description = "P2P discovery and groups through wpa_supplicant's control interface; frames over TCP on the "
                    + "group interface.")
    @interface Config {
        @AttributeDefinition(description = "Transport id, unique within the node.")
        String id() default "wifidirect";

        @AttributeDefinition(description = "wpa_supplicant's ctrl_interface directory.")
        String controlDir() default "/var/run/wpa_supplicant";

        @AttributeDefinition(description = "Interface whose control socket to use: the P2P device (p2p-dev-wlan0) "
                + "or the Wi-Fi interface (wlan0).")
        String controlInterface() default "p2p-dev-wlan0";

        @AttributeDefinition(description = "Folder for this node's own control client socket.")
        String clientDir() default "/tmp";

        @AttributeDefinition(description = "Form a group of our own at start (P2P_GROUP_ADD), so peers can join.")
        boolean autonomousGroup() default false;

        @AttributeDefinition(description = "Group-owner intent for P2P_CONNECT: 0 rather client, 15 rather owner.",
                min = "0", max = "15")
        int goIntent() default 7;

        @AttributeDefinition(description = "Seconds between discovery rounds (P2P_FIND); 0: one round at start.",
                min = "0")
        int findIntervalSeconds() default 60;

        @AttributeDefinition(description = "TCP port of the data plane on the group interface (the same on every "
                + "node: a client connects to the group owner's).", min = "0", max = "65535")
        int port() default WifiDirectSettings.DEFAULT_PORT;

        @AttributeDefinition(description = "Largest frame in bytes.", min = "64", max = "1048576")
        int mtu() default 65536;

        @AttributeDefinition(description = "Seconds group formation may take.", min = "1")
        int setupSeconds() default 60;

        @AttributeDefinition(description = "Seconds between attempts to reach an absent wpa_supplicant.", min = "1")
        int retrySeconds() default 10;
    }

    @Activate
    void activate(Config config) {
        TransportSettings plane = TransportSettings.from(Map.of(), key -> null, "wifidirect", config.port())
                .withMtu(config.mtu());
        WifiDirectSettings settings = new WifiDirectSettings(Path.of(config.controlDir()), config.controlInterface(),
                Path.of(config.clientDir()), config.autonomousGroup(), config.goIntent(),
                Duration.ofSeconds(config.findIntervalSeconds()), Duration.ofSeconds(5),
                Duration.ofSeconds(config.setupSeconds()), Duration.ofSeconds(config.retrySeconds()), plane, "");
        delegate = new WifiDirectTransport(config.id(), settings);
    }

    @Deactivate
    void deactivate() {
        stopDelegate();
    }
}
