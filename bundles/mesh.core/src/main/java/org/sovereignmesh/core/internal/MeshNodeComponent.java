package org.sovereignmesh.core.internal;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.sovereignmesh.api.Delivery;
import org.sovereignmesh.api.MeshNetwork;
import org.sovereignmesh.api.MeshMessage;
import org.sovereignmesh.api.MessageHandler;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.SendOptions;
import org.sovereignmesh.api.status.DeliveryInfo;
import org.sovereignmesh.api.status.MeshStatus;
import org.sovereignmesh.api.status.QueuedPacket;
import org.sovereignmesh.api.status.RouteInfo;
import org.sovereignmesh.api.transport.LinkInfo;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.api.transport.TransportEvent;
import org.sovereignmesh.api.transport.TransportEventListener;
import org.sovereignmesh.api.transport.TransportInfo;
import org.sovereignmesh.api.transport.TransportManager;
import org.sovereignmesh.crypto.MeshCrypto;
import org.sovereignmesh.crypto.NodeKeys;
import org.sovereignmesh.store.MeshStore;
import org.sovereignmesh.time.SystemScheduler;

/**
 * The node inside OSGi: owns a {@link MeshNode} and feeds it the whiteboards it tracks: {@link Transport}s,
 * {@link MessageHandler}s and {@link TransportEventListener}s. Bind methods only record and forward; the node does
 * the work on its own thread.
 */
@Component(service = {MeshNetwork.class, TransportManager.class, MeshStatus.class}, configurationPid = MeshNodeComponent.PID,
        immediate = true)
@Designate(ocd = MeshNodeComponent.Config.class)
public final class MeshNodeComponent implements MeshNetwork, TransportManager, MeshStatus {
    static final String PID = "org.sovereignmesh.node";
    private static final System.Logger LOG = System.getLogger(MeshNodeComponent.class.getName());

    @ObjectClassDefinition(name = "Sovereign Mesh node", description = "Link behaviour of this node.")
    @interface Config {
        @AttributeDefinition(description = "Connect automatically to neighbours the transports discover.")
        boolean autoConnect() default true;

        @AttributeDefinition(description = "Seconds a new link has to complete its handshake.", min = "1")
        int handshakeTimeoutSeconds() default 10;

        @AttributeDefinition(description = "Minutes between key changes on duplex links.", min = "1")
        int rekeyIntervalMinutes() default 10;

        @AttributeDefinition(description = "Minutes between announcements on broadcast and one-way links.", min = "1")
        int announceIntervalMinutes() default 10;

        @AttributeDefinition(description = "Hours an end-to-end packet stays acceptable; replays within it are refused.", min = "1")
        int replayHorizonHours() default 168;
    }

    private final Map<Transport, String> transports = new ConcurrentHashMap<>();
    private final Map<ComponentServiceObjects<MessageHandler>, HandlerEntry> handlers = new ConcurrentHashMap<>();
    private final Map<ComponentServiceObjects<TransportEventListener>, LazyListener> listeners = new ConcurrentHashMap<>();
    private volatile MeshNode node;
    private SystemScheduler loop;
    private SystemScheduler delivery;
    private ExecutorService journalWriter;

    @Reference
    private NodeKeys keys;
    @Reference
    private MeshCrypto crypto;
    @Reference
    private MeshStore store;

    @Activate
    void activate(Config config) {
        NodeSettings settings = new NodeSettings();
        settings.autoConnect = config.autoConnect();
        settings.handshakeTimeout = Duration.ofSeconds(Math.max(1, config.handshakeTimeoutSeconds()));
        settings.rekeyInterval = Duration.ofMinutes(Math.max(1, config.rekeyIntervalMinutes()));
        settings.announceInterval = Duration.ofMinutes(Math.max(1, config.announceIntervalMinutes()));
        settings.replayHorizon = Duration.ofHours(Math.max(1, config.replayHorizonHours()));
        loop = new SystemScheduler("mesh-node");
        delivery = new SystemScheduler("mesh-delivery");
        journalWriter = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "mesh-journal");
            thread.setDaemon(true);
            return thread;
        });
        MeshNode created = new MeshNode(keys, crypto, loop, delivery, settings, new StoreJournal(store), journalWriter);
        synchronized (this) {
            node = created;
            handlers.values().forEach(entry -> created.addMessageHandler(entry.channels, entry.lazy));
            listeners.values().forEach(created::addEventListener);
            transports.forEach(created::addTransport);
        }
        LOG.log(Level.INFO, "node " + keys.peerId().toDid() + " started");
    }

    @Deactivate
    void deactivate() {
        MeshNode stopping;
        synchronized (this) {
            stopping = node;
            node = null;
        }
        if (stopping != null) {
            stopping.close();
        }
        // let acknowledgements and deliveries already decided reach the store
        journalWriter.shutdown();
        try {
            if (!journalWriter.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "journal writes still pending after 10 s; they are redone after the restart");
                journalWriter.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop.close();
        delivery.close();
    }

    // ---------------------------------------------------------------- whiteboards

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindTransport(Transport transport, ServiceReference<Transport> reference) {
        String provider = reference.getBundle() == null ? "unknown"
                : reference.getBundle().getSymbolicName() + " " + reference.getBundle().getVersion();
        synchronized (this) {
            transports.put(transport, provider);
            if (node != null) {
                node.addTransport(transport, provider);
            }
        }
    }

    void unbindTransport(Transport transport) {
        synchronized (this) {
            transports.remove(transport);
            if (node != null) {
                node.removeTransport(transport);
            }
        }
    }

    // Handlers and listeners are fetched lazily, on first use: many of them (the console, the DHT, applications
    // that reply) reference MeshNetwork themselves, and getting them while this component activates would be a cycle.

    @Reference(service = MessageHandler.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindMessageHandler(ComponentServiceObjects<MessageHandler> handler, Map<String, Object> properties) {
        Set<String> channels = channels(properties.get(MessageHandler.CHANNEL_PROPERTY));
        LazyHandler lazy = new LazyHandler(handler);
        synchronized (this) {
            handlers.put(handler, new HandlerEntry(lazy, channels));
            if (node != null) {
                node.addMessageHandler(channels, lazy);
            }
        }
    }

    void updatedMessageHandler(ComponentServiceObjects<MessageHandler> handler, Map<String, Object> properties) {
        synchronized (this) {
            unbindMessageHandler(handler);
            bindMessageHandler(handler, properties);
        }
    }

    void unbindMessageHandler(ComponentServiceObjects<MessageHandler> handler) {
        HandlerEntry entry;
        synchronized (this) {
            entry = handlers.remove(handler);
            if (entry != null && node != null) {
                node.removeMessageHandler(entry.lazy);
            }
        }
        if (entry != null) {
            entry.lazy.release();
        }
    }

    @Reference(service = TransportEventListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindListener(ComponentServiceObjects<TransportEventListener> listener) {
        LazyListener lazy = new LazyListener(listener);
        synchronized (this) {
            listeners.put(listener, lazy);
            if (node != null) {
                node.addEventListener(lazy);
            }
        }
    }

    void unbindListener(ComponentServiceObjects<TransportEventListener> listener) {
        LazyListener lazy;
        synchronized (this) {
            lazy = listeners.remove(listener);
            if (lazy != null && node != null) {
                node.removeEventListener(lazy);
            }
        }
        if (lazy != null) {
            lazy.release();
        }
    }

    private static final class HandlerEntry {
        final LazyHandler lazy;
        final Set<String> channels;

        HandlerEntry(LazyHandler lazy, Set<String> channels) {
            this.lazy = lazy;
            this.channels = channels;
        }
    }

    /** A whiteboard service got on first use and released when it goes. */
    private abstract static class Lazy<S> {
        private final ComponentServiceObjects<S> objects;
        private S service;
        private boolean released;

        Lazy(ComponentServiceObjects<S> objects) {
            this.objects = objects;
        }

        /** @return the service, or null while it cannot be had (it is still being set up, or has gone) */
        synchronized S service() {
            if (service == null && !released) {
                try {
                    service = objects.getService();
                } catch (RuntimeException e) {
                    LOG.log(Level.DEBUG, "whiteboard service not available yet: " + e);
                }
            }
            return service;
        }

        synchronized void release() {
            released = true;
            if (service != null) {
                try {
                    objects.ungetService(service);
                } catch (RuntimeException e) {
                    LOG.log(Level.DEBUG, "releasing a whiteboard service failed: " + e);
                }
                service = null;
            }
        }
    }

    private static final class LazyHandler extends Lazy<MessageHandler> implements MessageHandler {
        LazyHandler(ComponentServiceObjects<MessageHandler> objects) {
            super(objects);
        }

        @Override
        public void messageReceived(MeshMessage message) {
            MessageHandler handler = service();
            if (handler == null) {
                // the node then does not acknowledge: a reliable message comes again
                throw new IllegalStateException("message handler not available yet");
            }
            handler.messageReceived(message);
        }
    }

    private static final class LazyListener extends Lazy<TransportEventListener> implements TransportEventListener {
        LazyListener(ComponentServiceObjects<TransportEventListener> objects) {
            super(objects);
        }

        @Override
        public void transportEvent(TransportEvent event) {
            TransportEventListener listener = service();
            if (listener != null) {
                listener.transportEvent(event);
            }
        }
    }

    /** The {@value MessageHandler#CHANNEL_PROPERTY} property as a set: a string, an array or a collection. */
    static Set<String> channels(Object property) {
        if (property == null) {
            return Set.of(MeshNetwork.DEFAULT_CHANNEL);
        }
        if (property instanceof String[]) {
            return Set.of((String[]) property);
        }
        if (property instanceof Collection) {
            return Set.copyOf(((Collection<?>) property).stream().map(String::valueOf).toList());
        }
        return Set.of(String.valueOf(property));
    }

    // ---------------------------------------------------------------- services, delegated to the node

    private MeshNode node() {
        MeshNode current = node;
        if (current == null) {
            throw new IllegalStateException("the mesh node is not active");
        }
        return current;
    }

    @Override
    public PeerId localPeer() {
        return node().localPeer();
    }

    @Override
    public Delivery submit(PeerId destination, String channel, byte[] payload, SendOptions options) {
        return node().submit(destination, channel, payload, options);
    }

    @Override
    public int maxPayloadSize() {
        return node().maxPayloadSize();
    }

    @Override
    public Set<PeerId> neighbours() {
        return node().neighbours();
    }

    @Override
    public List<TransportInfo> transports() {
        return node().transports();
    }

    @Override
    public List<LinkInfo> links() {
        return node().links();
    }

    @Override
    public CompletionStage<LinkInfo> connect(MeshAddress address) {
        return node().connect(address);
    }

    @Override
    public List<RouteInfo> routes() {
        return node().routes();
    }

    @Override
    public List<QueuedPacket> queued() {
        return node().queued();
    }

    @Override
    public List<DeliveryInfo> deliveries(int max) {
        return node().deliveries(max);
    }

    @Override
    public Optional<DeliveryInfo> delivery(String messageId) {
        return node().delivery(messageId);
    }
}
