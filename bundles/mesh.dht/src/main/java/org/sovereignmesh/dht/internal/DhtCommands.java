package org.sovereignmesh.dht.internal;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.dht.Dht;
import org.sovereignmesh.dht.DhtRecord;
import org.sovereignmesh.dht.PeerRecord;
import org.sovereignmesh.dht.RoutingTableSummary;

/** The {@code dht:*} Gogo commands. Each returns its output as text; errors are thrown with a clear message. */
@Component(service = DhtCommands.class, property = {"osgi.command.scope=dht", "osgi.command.function=put",
    "osgi.command.function=get", "osgi.command.function=findpeer", "osgi.command.function=table",
    "osgi.command.function=region"})
public final class DhtCommands {
    private static final long WAIT_SECONDS = 60;
    private final Dht dht;

    @Activate
    public DhtCommands(@Reference Dht dht) {
        this.dht = dht;
    }

    @Descriptor("sign a value and store it in the DHT under a name (kept 24 hours, republished hourly)")
    public String put(@Descriptor("the name; the DHT key is SHA-256 of it") String name,
            @Descriptor("the value (text)") String... words) throws Exception {
        if (words.length == 0) {
            throw new IllegalArgumentException("nothing to store: give the value after the name");
        }
        byte[] value = String.join(" ", words).getBytes(StandardCharsets.UTF_8);
        int nodes = await(dht.put(Dht.key(name), value, Duration.ofHours(24)));
        return "stored '" + name + "' (key " + HexFormat.of().formatHex(Dht.key(name)).substring(0, 16) + "…) on "
                + nodes + (nodes == 1 ? " node (this one: no other node answered)" : " nodes");
    }

    @Descriptor("find the values stored under a name, one per publisher")
    public String get(@Descriptor("the name used with dht:put") String name) throws Exception {
        List<DhtRecord> records = await(dht.get(Dht.key(name)));
        if (records.isEmpty()) {
            return "no value under '" + name + "'";
        }
        return records.stream().map(r -> text(r.value()) + "    (by " + r.publisher() + ", seq " + r.sequence()
                + ", expires " + Instant.ofEpochMilli(r.expiresAtMillis()) + ")").collect(Collectors.joining("\n"));
    }

    @Descriptor("find a peer by its id: its signed addresses, transports and region")
    public String findpeer(@Descriptor("the peer id (z6Mk... or did:key:z6Mk...)") String peer) throws Exception {
        PeerRecord r = await(dht.findPeer(PeerId.parse(peer)));
        return describe(r);
    }

    @Descriptor("list the peers that published a record under a region")
    public String region(@Descriptor("the region name") String region) throws Exception {
        List<PeerRecord> peers = await(dht.findRegion(region));
        return peers.isEmpty() ? "no peers found in region '" + region + "'"
                : peers.stream().map(DhtCommands::describe).collect(Collectors.joining("\n\n"));
    }

    @Descriptor("summarise the DHT routing table and stored records")
    public String table() throws Exception {
        RoutingTableSummary s = await(dht.routingTable());
        StringBuilder out = new StringBuilder();
        out.append("node id     ").append(s.localId()).append('\n');
        out.append("contacts    ").append(s.contacts()).append(" in ").append(s.buckets().size())
                .append(" buckets (k=").append(s.k()).append(")\n");
        out.append("records     ").append(s.storedRecords()).append(" stored (").append(s.storedBytes())
                .append(" bytes), ").append(s.publishedRecords()).append(" published by this node");
        if (!s.buckets().isEmpty()) {
            out.append("\n\nPREFIX  CONTACTS  REPLACEMENTS  OLDEST-SEEN");
            for (RoutingTableSummary.Bucket b : s.buckets()) {
                out.append(String.format("%n%6d  %8d  %12d  %8ds ago", b.sharedPrefixBits(), b.contacts(),
                        b.replacements(), b.oldestSeenSecondsAgo()));
            }
        }
        return out.toString();
    }

    private static String describe(PeerRecord r) {
        return "peer        " + r.peer() + "\n"
                + "addresses   " + (r.addresses().isEmpty() ? "-"
                        : r.addresses().stream().map(MeshAddress::toString).collect(Collectors.joining(" "))) + "\n"
                + "transports  " + (r.transports().isEmpty() ? "-" : String.join(" ", r.transports())) + "\n"
                + "region      " + (r.region().isEmpty() ? "-" : r.region()) + "\n"
                + (r.sequence() == 0 ? "source      routing information (the peer answered; no signed record yet)"
                        : "signed      seq " + r.sequence() + ", expires " + Instant.ofEpochMilli(r.expiresAtMillis()));
    }

    private static String text(byte[] value) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            return "0x" + HexFormat.of().formatHex(value);
        }
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        try {
            return stage.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new Exception(cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new Exception("no answer within " + WAIT_SECONDS + " s");
        }
    }
}
