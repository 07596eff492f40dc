package org.sovereignmesh.shell.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.sovereignmesh.api.Delivery;
import org.sovereignmesh.api.DeliveryReceipt;
import org.sovereignmesh.api.MeshNetwork;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.SendOptions;
import org.sovereignmesh.api.transport.LinkInfo;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.TransportInfo;
import org.sovereignmesh.api.transport.TransportManager;

/** The {@code mesh:*} Gogo commands. Each returns its output as text; errors are thrown with a clear message. */
@Component(service = MeshCommands.class, property = {"osgi.command.scope=mesh",
        "osgi.command.function=info", "osgi.command.function=transports", "osgi.command.function=links",
        "osgi.command.function=peers", "osgi.command.function=connect", "osgi.command.function=send"})
public final class MeshCommands {
    /** Channel of {@link #send}; {@link ConsoleReporter} shows what arrives on it. */
    static final String TEXT_CHANNEL = "text";
    private static final long WAIT_SECONDS = 30;

    private final MeshNetwork network;
    private final TransportManager transports;
    private final Instant started = Instant.now();

    @Activate
    public MeshCommands(@Reference MeshNetwork network, @Reference TransportManager transports) {
        this.network = network;
        this.transports = transports;
    }

    @Descriptor("show this node's identity and a summary of its transports and links")
    public String info() {
        PeerId self = network.localPeer();
        List<TransportInfo> all = transports.transports();
        List<LinkInfo> links = transports.links();
        return "peer id     " + self + "\n"
                + "did         " + self.toDid() + "\n"
                + "uptime      " + Durations.human(Duration.between(started, Instant.now()).toMillis()) + "\n"
                + "transports  " + all.size() + " (" + all.stream().map(t -> t.id() + " " + t.state())
                        .collect(Collectors.joining(", ")) + ")\n"
                + "links       " + links.size() + "\n"
                + "neighbours  " + network.neighbours().size();
    }

    @Descriptor("list the transports this node tracks")
    public String transports() {
        Table table = new Table("ID", "STATE", "LINKS", "ADDRESSES", "PROFILE", "PROVIDER");
        for (TransportInfo t : transports.transports()) {
            String state = t.state() + (t.stateDetail().isEmpty() ? "" : " (" + t.stateDetail() + ")");
            String addresses = t.localAddresses().isEmpty() ? "-"
                    : t.localAddresses().stream().map(MeshAddress::toString).collect(Collectors.joining(" "));
            table.row(t.id(), state, t.linkCount(), addresses, t.profile(), t.provider());
        }
        return table.size() == 0 ? "no transports" : table.toString();
    }

    @Descriptor("list open links")
    public String links() {
        Table table = new Table("ID", "TRANSPORT", "DIR", "STATE", "PEER", "REMOTE", "MTU", "SENT", "RECEIVED");
        for (LinkInfo l : transports.links()) {
            table.row(l.id(), l.transportId(), l.outbound() ? "out" : "in", l.state(),
                    l.peer().map(PeerId::toString).orElse("-"), l.remoteAddress(), l.mtu(),
                    l.framesSent() + "f/" + l.bytesSent() + "B", l.framesReceived() + "f/" + l.bytesReceived() + "B");
        }
        return table.size() == 0 ? "no links" : table.toString();
    }

    @Descriptor("list neighbours (peers with an established link) and the transports that reach them")
    public String peers() {
        Map<PeerId, List<LinkInfo>> byPeer = new TreeMap<>();
        for (LinkInfo l : transports.links()) {
            if (l.state() == LinkInfo.State.ESTABLISHED) {
                l.peer().ifPresent(p -> byPeer.computeIfAbsent(p, k -> new java.util.ArrayList<>()).add(l));
            }
        }
        Table table = new Table("PEER", "LINKS", "VIA");
        byPeer.forEach((peer, links) -> table.row(peer, links.size(),
                links.stream().map(l -> l.transportId() + " " + l.remoteAddress()).collect(Collectors.joining(", "))));
        return table.size() == 0 ? "no neighbours" : table.toString();
    }

    @Descriptor("open a link to an address, e.g. /loopback/node-b or /ip4/127.0.0.1/tcp/4001/p2p/z6Mk...")
    public String connect(@Descriptor("the neighbour's address") String address) throws Exception {
        LinkInfo link = await(transports.connect(MeshAddress.parse(address)).toCompletableFuture());
        return "link " + link.id() + " established with " + link.peer().map(PeerId::toString).orElse("?") + " via "
                + link.transportId();
    }

    @Descriptor("send a text message to a peer; the peer's console prints it (channel text)")
    public String send(
            @Descriptor("ask for an end-to-end acknowledgement: stored, retried and held until delivered or expired")
            @Parameter(names = {"-r", "--reliable"}, presentValue = "true", absentValue = "false") boolean reliable,
            @Descriptor("how long the message may take to arrive, e.g. 90s, 30m, 12h, 7d (default: 30s, reliable 1d)")
            @Parameter(names = {"-l", "--lifetime"}, absentValue = "") String lifetime,
            @Descriptor("the application channel")
            @Parameter(names = {"-c", "--channel"}, absentValue = TEXT_CHANNEL) String channel,
            @Descriptor("seconds to wait for the receipt; 0 returns once the node accepted the message")
            @Parameter(names = {"-w", "--wait"}, absentValue = "30") int waitSeconds,
            @Descriptor("the destination peer id (z6Mk... or did:key:z6Mk...)") String peer,
            @Descriptor("the text") String... words) throws Exception {
        if (words.length == 0) {
            throw new IllegalArgumentException("nothing to send: give the text after the peer id");
        }
        if (waitSeconds < 0) {
            throw new IllegalArgumentException("--wait must be 0 or more seconds, got " + waitSeconds);
        }
        SendOptions options = reliable ? SendOptions.reliable() : SendOptions.bestEffort();
        if (!lifetime.isEmpty()) {
            options = options.withLifetime(Durations.parse(lifetime));
        }
        byte[] text = String.join(" ", words).getBytes(StandardCharsets.UTF_8);
        Delivery delivery = network.submit(PeerId.parse(peer), channel, text, options);
        CompletableFuture<DeliveryReceipt> receipt = delivery.receipt().toCompletableFuture();
        if (receipt.isCompletedExceptionally() || waitSeconds > 0) {
            try {
                return "message " + delivery.messageId() + ": " + await(receipt, waitSeconds);
            } catch (TimeoutException e) {
                return "message " + delivery.messageId() + " accepted; no receipt within " + waitSeconds
                        + " s (mesh:deliveries " + delivery.messageId() + " follows it)";
            }
        }
        return "message " + delivery.messageId() + " accepted";
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        try {
            return await(future, WAIT_SECONDS);
        } catch (TimeoutException e) {
            throw new Exception("no answer within " + WAIT_SECONDS + " s");
        }
    }

    private static <T> T await(CompletableFuture<T> future, long seconds) throws Exception {
        try {
            return future.get(seconds, TimeUnit.SECONDS);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new Exception(cause.getMessage(), cause);
        }
    }
}
