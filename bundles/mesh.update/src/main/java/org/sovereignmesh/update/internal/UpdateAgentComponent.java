package org.sovereignmesh.update.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.sovereignmesh.api.MeshMessage;
import org.sovereignmesh.api.MeshNetwork;
import org.sovereignmesh.api.MessageHandler;
import org.sovereignmesh.api.transport.TransportManager;
import org.sovereignmesh.crypto.MeshCrypto;
import org.sovereignmesh.crypto.NodeKeys;
import org.sovereignmesh.store.MeshStore;
import org.sovereignmesh.time.SystemScheduler;
import org.sovereignmesh.update.HealthCheck;
import org.sovereignmesh.update.ManagedBundle;
import org.sovereignmesh.update.UpdateAgent;
import org.sovereignmesh.update.UpdateInfo;

/**
 * Runs the {@link Agent} for the node: its own scheduler thread, an install thread, the files under
 * {@code <mesh.home>/updates/}, and the {@link MessageHandler} for channel {@value Wire#CHANNEL}. The mesh, the DS
 * runtime, the transport manager and the health checks are dynamic references, so an update that replaces the core
 * never stops the agent that installs it. Settings: PID {@value #PID} or framework properties {@code mesh.update.*}.
 */
@Component(immediate = true, configurationPid = UpdateAgentComponent.PID,
        service = {UpdateAgent.class, MessageHandler.class},
        property = MessageHandler.CHANNEL_PROPERTY + "=" + Wire.CHANNEL)
@Designate(ocd = UpdateAgentComponent.Config.class)
public final class UpdateAgentComponent implements UpdateAgent, MessageHandler {
    static final String PID = "org.sovereignmesh.update";
    private static final System.Logger LOG = System.getLogger(UpdateAgentComponent.class.getName());

    @ObjectClassDefinition(name = "Sovereign Mesh update agent",
            description = "Which publishers this node trusts and which updates it takes. Unset attributes come from "
                    + "the framework property mesh.update.<attribute>, else the default.")
    @interface Config {
        @AttributeDefinition(required = false, description = "Publisher keys (did:key or z6Mk...) whose signed "
                + "updates this node accepts. Default: none, so the node takes no update.")
        String[] trusted();

        @AttributeDefinition(required = false, description = "Groups this node belongs to; it takes updates meant "
                + "for these groups only.")
        String[] groups();

        @AttributeDefinition(required = false, description = "Nodes to ask for updates (default: the trusted publishers).")
        String[] sources();

        @AttributeDefinition(required = false, description = "Minutes between asking the sources (default 60).")
        double pollMinutes();

        @AttributeDefinition(required = false, description = "Largest update this node fetches, MiB (default 64).")
        double maxUpdateMiB();

        @AttributeDefinition(required = false, description = "Chunk size of updates this node publishes, KiB (default 32).")
        double chunkKiB();

        @AttributeDefinition(required = false, description = "Chunks requested at a time while fetching (default 8).")
        int window();

        @AttributeDefinition(required = false, description = "Seconds an installed update has to become healthy "
                + "before it is rolled back (default 60).")
        double healthTimeoutSeconds();

        @AttributeDefinition(required = false, description = "Seconds it must then stay healthy (default 3).")
        double healthSettleSeconds();

        @AttributeDefinition(required = false, description = "Seconds before a requested chunk is asked for again "
                + "(default 15, doubling up to a minute).")
        double chunkTimeoutSeconds();
    }

    private final SystemScheduler scheduler = new SystemScheduler("mesh-update");
    private final ExecutorService installThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mesh-update-install");
        t.setDaemon(true);
        return t;
    });
    private final Map<HealthCheck, FrameworkInstaller.NamedCheck> checks = new ConcurrentHashMap<>();
    private final BundleContext context;
    private final FrameworkInstaller installer;
    private final Agent agent;
    private volatile MeshNetwork network;
    private volatile ServiceComponentRuntime runtime;
    private volatile TransportManager transports;

    @Activate
    public UpdateAgentComponent(@Reference NodeKeys keys, @Reference MeshCrypto crypto, @Reference MeshStore meshStore,
            Map<String, Object> configuration, BundleContext context) throws IOException {
        this.context = context;
        UpdateSettings settings = UpdateSettings.from(configuration, context::getProperty);
        String home = context.getProperty("mesh.home");
        if (home == null || home.isBlank()) {
            throw new IllegalStateException("framework property mesh.home (the node's data directory) is not set");
        }
        UpdateStore store = new UpdateStore(Path.of(home, "updates"), meshStore.keyValue(UpdateStore.RECORDS));
        installer = new FrameworkInstaller(context, store, installThread, () -> runtime, () -> transports,
                checks::values, settings.healthTimeout, settings.healthSettle);
        agent = new Agent(scheduler, () -> network, keys, crypto, store, installer, settings);
        try {
            agent.start();
        } catch (IOException e) {
            LOG.log(Level.ERROR, "the update agent cannot start: " + e.getMessage());
            close();
            throw e;
        }
        LOG.log(Level.INFO, "update agent started: trusts " + (settings.trusted.isEmpty() ? "no publisher"
                : settings.trusted.size() + " publisher(s)") + ", groups " + settings.groups);
    }

    @Modified
    void modified(Map<String, Object> configuration) {
        UpdateSettings settings = UpdateSettings.from(configuration, context::getProperty);
        installer.healthTimes(settings.healthTimeout, settings.healthSettle);
        agent.configure(settings);
        LOG.log(Level.INFO, "update agent reconfigured: trusts " + settings.trusted.size() + " publisher(s), groups "
                + settings.groups);
    }

    @Deactivate
    void close() {
        agent.close();
        scheduler.execute(scheduler::close);
        installThread.shutdown();
    }

    // ---------------------------------------------------------------- dynamic references

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindNetwork(MeshNetwork bound) {
        network = bound;
        if (agent != null) {
            agent.networkAvailable();
        }
    }

    void unbindNetwork(MeshNetwork unbound) {
        if (network == unbound) {
            network = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindRuntime(ServiceComponentRuntime bound) {
        runtime = bound;
    }

    void unbindRuntime(ServiceComponentRuntime unbound) {
        if (runtime == unbound) {
            runtime = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindTransports(TransportManager bound) {
        transports = bound;
    }

    void unbindTransports(TransportManager unbound) {
        if (transports == unbound) {
            transports = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindHealthCheck(HealthCheck check, Map<String, Object> properties) {
        Object name = properties.get(HealthCheck.NAME_PROPERTY);
        checks.put(check, new FrameworkInstaller.NamedCheck(name == null ? check.getClass().getName() : String.valueOf(name),
                check));
    }

    void unbindHealthCheck(HealthCheck check) {
        checks.remove(check);
    }

    // ---------------------------------------------------------------- services

    @Override
    public void messageReceived(MeshMessage message) {
        agent.messageReceived(message);
    }

    @Override
    public UpdateInfo publish(String name, String version, String targetGroup, List<Path> bundles) throws IOException {
        return agent.publish(name, version, targetGroup, bundles);
    }

    @Override
    public UpdateInfo importUpdate(Path file) throws IOException {
        return agent.importUpdate(file);
    }

    @Override
    public void export(String id, Path file) throws IOException {
        agent.export(id, file);
    }

    @Override
    public List<UpdateInfo> updates() {
        return agent.updates();
    }

    @Override
    public Optional<UpdateInfo> update(String id) {
        return agent.update(id);
    }

    @Override
    public List<ManagedBundle> installed() {
        return agent.installed();
    }

    @Override
    public UpdateInfo rollback() {
        return agent.rollback();
    }
}
