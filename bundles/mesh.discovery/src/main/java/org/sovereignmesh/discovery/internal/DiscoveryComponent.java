package org.sovereignmesh.discovery.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.sovereignmesh.api.MeshNetwork;
import org.sovereignmesh.api.transport.TransportManager;
import org.sovereignmesh.time.SystemScheduler;

/**
 * Runs {@link Discovery} for the node: its own scheduler thread, the multicast socket, the peer cache in
 * {@code <mesh.home>/peers.txt}. Settings: PID {@value #PID} or framework properties {@code mesh.discovery.*}.
 */
@Component(immediate = true, configurationPid = DiscoveryComponent.PID, service = {})
@Designate(ocd = DiscoveryComponent.Config.class)
public final class DiscoveryComponent {
    static final String PID = "org.sovereignmesh.discovery";
    private static final System.Logger LOG = System.getLogger(DiscoveryComponent.class.getName());

    @ObjectClassDefinition(name = "Sovereign Mesh discovery",
            description = "LAN announcements, seed addresses and the peer cache. Unset attributes come from the "
                    + "framework property mesh.discovery.<attribute>, else the default.")
    @interface Config {
        @AttributeDefinition(required = false, description = "Announce and listen by UDP multicast (default true).")
        boolean multicast();

        @AttributeDefinition(required = false, description = "Multicast group (default 239.255.77.77).")
        String group();

        @AttributeDefinition(required = false, description = "Multicast port (default 4000).")
        int port();

        @AttributeDefinition(required = false, description = "Interface names, e.g. lo,eth0 (default: every "
                + "interface that is up and does multicast, and loopback).")
        String interfaces();

        @AttributeDefinition(required = false, description = "Multicast TTL (default 1: the local link only).")
        int ttl();

        @AttributeDefinition(required = false, description = "Seconds between announcements (default 5).")
        double intervalSeconds();

        @AttributeDefinition(required = false, description = "Addresses to keep connected, e.g. "
                + "/ip4/203.0.113.7/tcp/4001/p2p/z6Mk...; retried with exponential backoff.")
        String[] seeds();

        @AttributeDefinition(required = false, description = "Remember peers that worked in <home>/peers.txt (default true).")
        boolean peerCache();
    }

    private final SystemScheduler scheduler = new SystemScheduler("mesh-discovery");
    private MulticastChannel multicast;
    private Discovery discovery;

    @Activate
    public DiscoveryComponent(@Reference MeshNetwork network, @Reference TransportManager manager,
            Map<String, Object> configuration, BundleContext context) {
        DiscoverySettings settings = DiscoverySettings.from(configuration, context::getProperty);
        String home = context.getProperty("mesh.home");
        PeerCache cache = settings.peerCache
                ? new FilePeerCache(Path.of(home == null || home.isBlank() ? "data" : home, FilePeerCache.FILE_NAME))
                : null;
        Discovery[] created = new Discovery[1];
        if (settings.multicast) {
            try {
                multicast = MulticastChannel.open(settings, (source, data, length) -> created[0].received(source,
                        data, length));
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "LAN discovery is off: {0}", String.valueOf(e.getMessage()));
            }
        }
        created[0] = new Discovery(scheduler, network.localPeer(), manager, settings, cache, multicast,
                new SecureRandom());
        discovery = created[0];
        discovery.start();
    }

    @Deactivate
    void deactivate() throws IOException {
        discovery.stop();
        if (multicast != null) {
            multicast.close();
        }
        scheduler.execute(scheduler::close); // after stop() has saved the cache
    }
}
