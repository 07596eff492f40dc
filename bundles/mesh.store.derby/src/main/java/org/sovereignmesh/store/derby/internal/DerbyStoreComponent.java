package org.sovereignmesh.store.derby.internal;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Arrays;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.sovereignmesh.crypto.NodeKeys;
import org.sovereignmesh.store.DhtRecordStore;
import org.sovereignmesh.store.KeyValueStore;
import org.sovereignmesh.store.MeshStore;
import org.sovereignmesh.store.PeerCache;
import org.sovereignmesh.store.RecordQueue;
import org.sovereignmesh.store.StoreException;

/**
 * Opens the node's encrypted store in {@code <mesh.home>/store} and offers it as the {@link MeshStore} service. The
 * boot password of Derby's encryption and the payload key are derived from the node's key store
 * ({@link NodeKeys#deriveSecret}), so whoever cannot open the key store cannot read the store either. If the store
 * cannot be opened (another process holds it, damaged files, another identity's data) the service does not appear
 * and the reason, with what to do, is logged.
 */
@Component(service = MeshStore.class, configurationPid = DerbyStoreComponent.PID)
@Designate(ocd = DerbyStoreComponent.Config.class)
public final class DerbyStoreComponent implements MeshStore {
    static final String PID = "org.sovereignmesh.store";
    static final String HOME_PROPERTY = "mesh.home";
    static final String BOOT_PURPOSE = "store/derby-boot";
    static final String PAYLOAD_PURPOSE = "store/payload";
    private static final System.Logger LOG = System.getLogger(DerbyStoreComponent.class.getName());

    @ObjectClassDefinition(name = "Sovereign Mesh store", description = "Where and how the node keeps its data.")
    @interface Config {
        @AttributeDefinition(description = "Database directory; empty: <mesh.home>/store.")
        String directory() default "";

        @AttributeDefinition(description = "Pages of 4 KiB Derby keeps in memory (at least 40); applies when the"
                + " engine starts, unless -Dderby.storage.pageCacheSize is set.", min = "40")
        int pageCacheSize() default 100;

        @AttributeDefinition(description = "Check every table and index when opening, so damage is reported at"
                + " start.")
        boolean verifyOnOpen() default true;
    }

    private final DerbyStore store;

    @Activate
    public DerbyStoreComponent(@Reference NodeKeys keys, Config config, BundleContext context) {
        String home = context.getProperty(HOME_PROPERTY);
        if (home == null || home.isBlank()) {
            throw new IllegalStateException("framework property " + HOME_PROPERTY + " (the node's data directory) is not set");
        }
        Path directory = config.directory().isBlank() ? Path.of(home, "store") : Path.of(config.directory());
        DerbyStore.Settings settings = new DerbyStore.Settings();
        settings.pageCacheSize = config.pageCacheSize();
        settings.verifyOnOpen = config.verifyOnOpen();
        byte[] boot = keys.deriveSecret(BOOT_PURPOSE, 32);
        byte[] payload = keys.deriveSecret(PAYLOAD_PURPOSE, 32);
        try {
            store = DerbyStore.open(directory, boot, payload, settings);
        } catch (StoreException e) {
            LOG.log(Level.ERROR, "the store cannot start: " + e.getMessage());
            throw e;
        } finally {
            Arrays.fill(boot, (byte) 0);
            Arrays.fill(payload, (byte) 0);
        }
    }

    @Deactivate
    void deactivate() {
        store.close();
    }

    @Override
    public KeyValueStore keyValue(String name) {
        return store.keyValue(name);
    }

    @Override
    public RecordQueue queue(String name) {
        return store.queue(name);
    }

    @Override
    public DhtRecordStore dhtRecords() {
        return store.dhtRecords();
    }

    @Override
    public PeerCache peerCache() {
        return store.peerCache();
    }

    @Override
    public String location() {
        return store.location();
    }
}
