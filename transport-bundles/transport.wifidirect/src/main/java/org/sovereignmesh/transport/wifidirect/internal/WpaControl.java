package org.sovereignmesh.transport.wifidirect.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.sovereignmesh.api.time.Cancellable;
import org.sovereignmesh.api.time.Scheduler;

/**
 * A client of wpa_supplicant's control interface, speaking the real protocol (what {@code wpa_ctrl.c} does): a UNIX
 * datagram socket bound to a path of its own, each command one datagram to the interface's socket
 * ({@code /var/run/wpa_supplicant/<iface>}), each reply one datagram back, in order; after {@code ATTACH} the
 * supplicant also sends unsolicited events, which start with a priority ({@code <3>P2P-DEVICE-FOUND ...}) and are
 * told apart from replies by it. Java 17 has no AF_UNIX datagram sockets, so this uses Netty's epoll transport.
 *
 * <p>Commands are sent one at a time; each reply completes its command's stage, or the command fails after the reply
 * timeout. Replies and events are handed over on the scheduler. Thread-safe.
 */
final class WpaControl implements AutoCloseable {
    /**
     * Largest reply or event read: wpa_supplicant answers within 4096 bytes (its control buffer) except for a few
     * listing commands; longer datagrams are cut, bounding what one datagram costs.
     */
    static final int MAX_DATAGRAM = 8192;
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final Scheduler scheduler;
    private final Path server;
    private final Path client;
    private final Duration replyTimeout;
    private final Consumer<String> events;
    private final EventLoopGroup group;
    private final Channel channel;

    // guarded by this
    private final ArrayDeque<Request> queue = new ArrayDeque<>();
    private Request inFlight;
    private boolean closed;

    private WpaControl(Scheduler scheduler, Path server, Path client, Duration replyTimeout, Consumer<String> events,
            EventLoopGroup group, Channel channel) {
        this.scheduler = scheduler;
        this.server = server;
        this.client = client;
        this.replyTimeout = replyTimeout;
        this.events = events;
        this.group = group;
        this.channel = channel;
    }

    /**
     * Binds a client socket in {@code clientDir} and aims it at {@code server}. Blocks briefly for the bind (a local
     * file); call it off the scheduler.
     *
     * @param events receives each event without its priority prefix, on the scheduler
     * @throws IOException saying why: no epoll, no control socket, cannot bind
     */
    static WpaControl open(Scheduler scheduler, Path server, Path clientDir, Duration replyTimeout,
            Consumer<String> events) throws IOException {
        if (!Epoll.isAvailable()) {
            throw new IOException("Netty's epoll transport is not available here (needed for UNIX datagram sockets): "
                    + Epoll.unavailabilityCause());
        }
        if (!Files.exists(server)) {
            throw new IOException("no wpa_supplicant control socket at " + server);
        }
        Files.createDirectories(clientDir);
        Path client = clientDir.resolve("mesh_wpa_ctrl_" + ProcessHandle.current().pid() + "-"
                + COUNTER.incrementAndGet());
        Files.deleteIfExists(client);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("mesh-wpa-ctrl", true),
                EpollIoHandler.newFactory());
        WpaControl[] self = new WpaControl[1];
        try {
            Channel ch = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
                    .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket packet) {
                            String text = packet.content().toString(StandardCharsets.UTF_8);
                            WpaControl c = self[0];
                            if (c != null) {
                                c.received(text);
                            }
                        }
                    }).bind(new DomainSocketAddress(client.toFile())).sync().channel();
            WpaControl control = new WpaControl(scheduler, server, client, replyTimeout, events, group, ch);
            self[0] = control;
            return control;
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            Files.deleteIfExists(client);
            throw new IOException("cannot bind a control client socket at " + client + ": " + e.getMessage(), e);
        }
    }

    /** Sends {@code command}; the stage completes with the reply text (trailing newline removed). */
    CompletionStage<String> request(String command) {
        Request r = new Request(command);
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new IOException("control connection to " + server + " closed"));
            }
            queue.addLast(r);
        }
        pump();
        return r.reply;
    }

    private void pump() {
        Request next;
        synchronized (this) {
            if (inFlight != null || queue.isEmpty() || closed) {
                return;
            }
            next = queue.pollFirst();
            inFlight = next;
            next.timeout = scheduler.schedule(() -> timedOut(next), replyTimeout);
        }
        byte[] bytes = next.command.getBytes(StandardCharsets.UTF_8);
        channel.writeAndFlush(new DomainDatagramPacket(Unpooled.wrappedBuffer(bytes),
                new DomainSocketAddress(server.toFile()))).addListener(f -> {
                    if (!f.isSuccess()) {
                        fail(next, new IOException("cannot send " + next.command + " to " + server + ": "
                                + f.cause().getMessage(), f.cause()));
                    }
                });
    }

    private void timedOut(Request r) {
        fail(r, new IOException("wpa_supplicant at " + server + " did not answer " + r.command + " within "
                + replyTimeout.toSeconds() + " s"));
    }

    private void fail(Request r, IOException error) {
        synchronized (this) {
            if (inFlight != r) {
                return;
            }
            inFlight = null;
        }
        r.reply.completeExceptionally(error);
        pump();
    }

    private void received(String text) {
        if (text.startsWith("<")) {
            int end = text.indexOf('>');
            String event = (end > 0 ? text.substring(end + 1) : text).strip();
            scheduler.execute(() -> events.accept(event));
            return;
        }
        Request r;
        synchronized (this) {
            r = inFlight;
            inFlight = null;
            if (r != null && r.timeout != null) {
                r.timeout.cancel();
            }
        }
        if (r != null) {
            String reply = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
            scheduler.execute(() -> r.reply.complete(reply));
            pump();
        }
    }

    @Override
    public void close() {
        java.util.List<Request> dropped;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            dropped = new java.util.ArrayList<>(queue);
            queue.clear();
            if (inFlight != null) {
                dropped.add(inFlight);
                inFlight = null;
            }
        }
        for (Request r : dropped) {
            r.reply.completeExceptionally(new IOException("control connection to " + server + " closed"));
        }
        channel.close().addListener(f -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS));
        try {
            Files.deleteIfExists(client);
        } catch (IOException e) {
            // a stale client socket is harmless: the next client binds a new name
        }
    }

    private static final class Request {
        final String command;
        final CompletableFuture<String> reply = new CompletableFuture<>();
        Cancellable timeout;

        Request(String command) {
            this.command = command;
        }
    }
}
