package org.sovereignmesh.transport.netty.internal;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.api.transport.TransportContext;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.api.transport.TransportProfile;
import org.sovereignmesh.api.transport.TransportState;

/**
 * What every Netty transport does the same way: settings, an event loop group per start, listening and reporting the
 * real listening addresses, parsing addresses, admitting inbound connections through an {@link InboundGate}, the
 * {@link LinkWatchdog}, link bookkeeping and an idempotent stop. A subclass binds its listener and opens outbound
 * links; it calls {@link #admit}, {@link #track} and {@link #handOver} for inbound connections.
 */
public abstract class NettyTransport implements Transport {
    private static final System.Logger LOG = System.getLogger(NettyTransport.class.getName());
    private static final long REFUSAL_LOG_INTERVAL_NANOS = 10_000_000_000L;

    protected final String id;
    protected final TransportSettings settings;
    private final TransportProfile profile;
    private final String portProtocol;
    private final List<String> suffix;
    private final List<String> shape;
    private final Set<LinkWatchdog.Watched> links = ConcurrentHashMap.newKeySet();
    private final AtomicLong refused = new AtomicLong();
    private volatile long lastRefusalLogNanos = Long.MIN_VALUE;

    // guarded by this
    private TransportContext context;
    private EventLoopGroup group;
    private Channel listener;
    private LinkWatchdog watchdog;
    private InboundGate gate;

    /**
     * @param portProtocol {@code tcp} or {@code udp}
     * @param suffix protocols after the port, for example {@code ["ws"]} or {@code ["quic-v1"]}
     */
    protected NettyTransport(String id, TransportSettings settings, TransportProfile profile, String portProtocol,
            List<String> suffix) {
        this.id = id;
        this.settings = settings;
        this.profile = profile;
        this.portProtocol = portProtocol;
        this.suffix = List.copyOf(suffix);
        List<String> s = new ArrayList<>();
        s.add(portProtocol);
        s.addAll(suffix);
        this.shape = List.copyOf(s);
    }

    /** Binds the listener on {@code group}; waits for the bind (it is local and quick). */
    protected abstract Channel bind(EventLoopGroup group, InetSocketAddress local) throws Exception;

    /**
     * Opens an outbound link to {@code remote} on {@code group}.
     *
     * @param address the medium address asked for, for the link's description
     */
    protected abstract CompletableFuture<Link> open(EventLoopGroup group, InetSocketAddress remote, MeshAddress address);

    /** Called at the end of a successful start, with the listener bound. */
    protected void started(Scheduler nodeScheduler) {
    }

    /** Called when stopping, before the links are closed. */
    protected void stopping() {
    }

    /** @return event loop threads; one suits a 2-core node */
    protected int threads() {
        return 1;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public TransportProfile profile() {
        return profile;
    }

    public TransportSettings settings() {
        return settings;
    }

    @Override
    public boolean supports(MeshAddress address) {
        return settings.enabled && NettyAddresses.matches(address, shape);
    }

    @Override
    public final synchronized void start(TransportContext newContext) throws TransportException {
        if (context != null) {
            throw new TransportException(id + " is already started");
        }
        if (!settings.enabled) {
            context = newContext;
            newContext.stateChanged(TransportState.UNAVAILABLE, "disabled by configuration (enabled=false)");
            return;
        }
        InetAddress host;
        try {
            host = NettyAddresses.host(settings.host);
        } catch (UnknownHostException e) {
            throw new TransportException("cannot listen: unknown host '" + settings.host + "'", e);
        }
        EventLoopGroup newGroup = NettyLoops.create("mesh-" + id, threads());
        Channel bound;
        try {
            bound = bind(newGroup, new InetSocketAddress(host, settings.port));
        } catch (Exception e) {
            NettyLoops.shutdown(newGroup);
            throw new TransportException("cannot listen on " + settings.host + " " + portProtocol + " port "
                    + settings.port + ": " + e.getMessage(), e);
        }
        group = newGroup;
        listener = bound;
        gate = new InboundGate(settings.maxPendingPerSource, settings.maxPending);
        watchdog = new LinkWatchdog(newContext.scheduler(), settings);
        watchdog.start();
        context = newContext;
        List<MeshAddress> addresses = NettyAddresses.listenAddresses((InetSocketAddress) bound.localAddress(),
                portProtocol, suffix);
        started(newContext.scheduler());
        LOG.log(Level.INFO, "{0} listening on {1} ({2})", id, addresses.toString(), settings.toString());
        newContext.localAddressesChanged(addresses);
        newContext.stateChanged(TransportState.ACTIVE, "");
    }

    @Override
    public final void stop() {
        Channel oldListener;
        EventLoopGroup oldGroup;
        synchronized (this) {
            if (context == null) {
                return;
            }
            context = null;
            oldListener = listener;
            oldGroup = group;
            listener = null;
            group = null;
            if (watchdog != null) {
                watchdog.stop();
                watchdog = null;
            }
        }
        stopping();
        for (LinkWatchdog.Watched link : new ArrayList<>(links)) {
            ((Link) link).close();
        }
        if (oldListener != null) {
            // Netty closes every channel before it drains queued tasks when its group shuts down: the goodbyes the
            // links just queued (a UDP CLOSE, a QUIC close) would be lost. The listener's close runs after them.
            oldListener.close().addListener(closed -> NettyLoops.shutdown(oldGroup));
        } else {
            NettyLoops.shutdown(oldGroup);
        }
    }

    @Override
    public final CompletionStage<Link> connect(MeshAddress address) {
        EventLoopGroup current;
        synchronized (this) {
            if (context == null || group == null) {
                return CompletableFuture.failedFuture(new TransportException(id + " is not started"));
            }
            current = group;
        }
        if (!supports(address)) {
            return CompletableFuture.failedFuture(new TransportException(id + " does not support " + address));
        }
        InetSocketAddress remote;
        try {
            remote = NettyAddresses.toSocketAddress(address, portProtocol);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new TransportException(e.getMessage()));
        }
        if (remote.getPort() == 0) {
            return CompletableFuture.failedFuture(new TransportException("port 0 in " + address + " cannot be reached"));
        }
        if (links.size() >= settings.maxLinks) {
            return CompletableFuture.failedFuture(new TransportException(id + " has " + links.size()
                    + " links, its limit (maxLinks)"));
        }
        return open(current, remote, address.withoutPeer());
    }

    /**
     * Listens for TCP connections (TCP_NODELAY, backlog 128).
     *
     * @param autoRead whether accepted connections read before their link starts
     * @param accepted sets up each accepted connection, on its event loop
     */
    protected static Channel listenTcp(EventLoopGroup group, InetSocketAddress local, boolean autoRead,
            Consumer<SocketChannel> accepted) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 128)
                .childOption(ChannelOption.AUTO_READ, autoRead)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.accept(ch);
                    }
                }).bind(local).sync().channel();
    }

    /**
     * Opens a TCP connection (TCP_NODELAY, connect timeout = the first-frame timeout); names are resolved by Netty on
     * the event loop.
     *
     * @param setUp builds the new connection's pipeline, on its event loop
     */
    protected ChannelFuture connectTcp(EventLoopGroup group, InetSocketAddress remote, boolean autoRead,
            Consumer<SocketChannel> setUp) {
        return new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.firstFrameTimeout.toMillis())
                .option(ChannelOption.AUTO_READ, autoRead)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        setUp.accept(ch);
                    }
                }).connect(remote);
    }

    /**
     * Resolves a {@code /dns/...} socket address on one of the transport's threads, never the node's loop; resolved
     * addresses pass through. For transports whose sockets do not resolve names themselves (UDP, QUIC).
     */
    protected static CompletableFuture<InetSocketAddress> resolve(EventLoopGroup group, InetSocketAddress address) {
        if (!address.isUnresolved()) {
            return CompletableFuture.completedFuture(address);
        }
        CompletableFuture<InetSocketAddress> resolved = new CompletableFuture<>();
        group.next().execute(() -> {
            InetSocketAddress attempt = new InetSocketAddress(address.getHostString(), address.getPort());
            if (attempt.isUnresolved()) {
                resolved.completeExceptionally(new TransportException("cannot resolve " + address.getHostString()));
            } else {
                resolved.complete(attempt);
            }
        });
        return resolved;
    }

    /** @return the node's scheduler while started */
    protected synchronized Scheduler scheduler() {
        if (context == null) {
            throw new IllegalStateException(id + " is not started");
        }
        return context.scheduler();
    }

    /**
     * Decides whether to accept an inbound connection from {@code remote}; the caller closes it if not.
     *
     * @return the admission ticket (release it on the first frame or on close), or {@code null} if refused
     */
    protected InboundGate.Ticket admit(InetSocketAddress remote) {
        InboundGate current;
        synchronized (this) {
            current = gate;
        }
        String refusal = null;
        InboundGate.Ticket ticket = null;
        if (current == null) {
            refusal = "transport stopped";
        } else if (links.size() >= settings.maxLinks) {
            refusal = id + " has " + links.size() + " links, its limit (maxLinks)";
        } else {
            ticket = current.admit(remote.getAddress());
            if (ticket == null) {
                refusal = current.refusal(remote.getAddress());
            }
        }
        if (ticket == null) {
            noteRefusal(remote, refusal);
        }
        return ticket;
    }

    /** {@link #admit(InetSocketAddress)} for a connection of its own: closes the channel if refused. */
    protected InboundGate.Ticket admit(Channel channel, InetSocketAddress remote) {
        InboundGate.Ticket ticket = admit(remote);
        if (ticket == null) {
            channel.close();
        }
        return ticket;
    }

    /** Logs refused connections: each at debug, and a warning with the count at most every 10 s. */
    protected void noteRefusal(InetSocketAddress remote, String reason) {
        long count = refused.incrementAndGet();
        LOG.log(Level.DEBUG, "{0} refused a connection from {1}: {2}", id, String.valueOf(remote), reason);
        long now = System.nanoTime();
        if (now - lastRefusalLogNanos >= REFUSAL_LOG_INTERVAL_NANOS) {
            lastRefusalLogNanos = now;
            LOG.log(Level.WARNING, "{0} refusing connections: {1} ({2} refused so far)", id, reason,
                    Long.toString(count));
        }
    }

    /** @return connections refused since the transport was created */
    public long refusedConnections() {
        return refused.get();
    }

    /** @return inbound connections admitted that have not yet delivered a frame */
    public synchronized int pendingInbound() {
        return gate == null ? 0 : gate.pending();
    }

    /** Starts watching {@code link} and forgets it when its channel closes. */
    protected void track(LinkWatchdog.Watched link, Channel channel) {
        track(link);
        channel.closeFuture().addListener(f -> untrack(link));
        if (!isStarted()) {
            channel.close();
        }
    }

    /** Starts watching {@code link}; call {@link #untrack} when it closes. */
    protected void track(LinkWatchdog.Watched link) {
        LinkWatchdog current;
        synchronized (this) {
            current = watchdog;
        }
        links.add(link);
        if (current != null) {
            current.watch(link);
        }
    }

    protected void untrack(LinkWatchdog.Watched link) {
        LinkWatchdog current;
        synchronized (this) {
            current = watchdog;
        }
        links.remove(link);
        if (current != null) {
            current.unwatch(link);
        }
    }

    protected synchronized boolean isStarted() {
        return context != null && group != null;
    }

    /** @return the channel listening for inbound links while started */
    protected synchronized Channel listener() {
        return listener;
    }

    /** Gives an inbound link to the core, or closes it if the transport stopped meanwhile. */
    protected void handOver(Link link) {
        TransportContext current;
        synchronized (this) {
            current = context;
        }
        if (current == null) {
            link.close();
        } else {
            current.incomingLink(link);
        }
    }

    /** @return the open links (inbound and outbound) */
    public int linkCount() {
        return links.size();
    }

    @Override
    public String toString() {
        return id + " " + settings;
    }
}
