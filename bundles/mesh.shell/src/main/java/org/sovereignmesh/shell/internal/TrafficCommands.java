package org.sovereignmesh.shell.internal;

import java.time.Clock;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.status.DeliveryInfo;
import org.sovereignmesh.api.status.MeshStatus;
import org.sovereignmesh.api.status.QueuedPacket;
import org.sovereignmesh.api.status.RouteInfo;

/** {@code mesh:routes}, {@code mesh:queue} and {@code mesh:deliveries}: what the node does with traffic. */
@Component(service = TrafficCommands.class, property = {"osgi.command.scope=mesh", "osgi.command.function=routes",
        "osgi.command.function=queue", "osgi.command.function=deliveries"})
public final class TrafficCommands {
    private final MeshStatus status;
    private final Clock clock;

    @Activate
    public TrafficCommands(@Reference MeshStatus status) {
        this(status, Clock.systemUTC());
    }

    TrafficCommands(MeshStatus status, Clock clock) {
        this.status = status;
        this.clock = clock;
    }

    @Descriptor("list the routes this node knows: neighbours, and destinations learned from traffic")
    public String routes() {
        Table table = new Table("DESTINATION", "PEER", "KIND", "NEXT HOP", "SINCE", "VIA");
        for (RouteInfo r : status.routes()) {
            table.row(r.destination(), r.destinationPeer().map(PeerId::shortName).orElse("-"), r.kind(),
                    r.nextHop().shortName(), ago(r.updatedMillis()), r.links().isEmpty() ? "-" : String.join(", ", r.links()));
        }
        return table.size() == 0 ? "no routes" : table.toString();
    }

    @Descriptor("list packets waiting in this node for a next hop: own messages, acknowledgements, and packets held for others")
    public String queue() {
        List<QueuedPacket> queued = status.queued();
        Table table = new Table("DESTINATION", "PEER", "KIND", "MESSAGE", "BYTES", "FAILED SENDS", "QUEUED", "EXPIRES",
                "CARRIERS");
        for (QueuedPacket q : queued) {
            table.row(q.destination(), q.destinationPeer().map(PeerId::shortName).orElse("-"), q.kind(),
                    q.messageId().isEmpty() ? "-" : q.messageId(), q.size(), q.attempts(), ago(q.queuedMillis()),
                    in(q.expiresMillis()), q.carriers());
        }
        return queued.isEmpty() ? "no packets waiting" : table + "\n" + queued.size() + " packets, "
                + queued.stream().mapToLong(QueuedPacket::size).sum() + " bytes";
    }

    @Descriptor("show what became of the messages this node sent, newest first, or one message in detail")
    public String deliveries(
            @Descriptor("how many to list") @Parameter(names = {"-n", "--max"}, absentValue = "20") int max,
            @Descriptor("a message id (optional): show that message only") String... messageId) {
        if (messageId.length > 1) {
            throw new IllegalArgumentException("give at most one message id");
        }
        if (messageId.length == 1) {
            DeliveryInfo d = status.delivery(messageId[0]).orElseThrow(() -> new IllegalArgumentException(
                    "no message " + messageId[0] + " in this node's delivery history"));
            return "message     " + d.messageId() + "\n"
                    + "to          " + d.destination() + "\n"
                    + "channel     " + d.channel() + "\n"
                    + "bytes       " + d.size() + "\n"
                    + "effort      " + (d.reliable() ? "reliable (acknowledged)" : "best effort") + "\n"
                    + "state       " + d.state() + "\n"
                    + "sends       " + d.attempts() + "\n"
                    + "accepted    " + ago(d.acceptedMillis()) + "\n"
                    + "updated     " + ago(d.updatedMillis()) + "\n"
                    + (d.state() == DeliveryInfo.State.WAITING ? "expires     " + in(d.expiresMillis()) + "\n" : "")
                    + "detail      " + (d.detail().isEmpty() ? "-" : d.detail());
        }
        if (max < 1) {
            throw new IllegalArgumentException("--max must be at least 1, got " + max);
        }
        List<DeliveryInfo> recent = status.deliveries(max);
        Table table = new Table("MESSAGE", "TO", "CHANNEL", "BYTES", "EFFORT", "STATE", "SENDS", "UPDATED", "DETAIL");
        for (DeliveryInfo d : recent) {
            table.row(d.messageId(), d.destination().shortName(), d.channel(), d.size(),
                    d.reliable() ? "reliable" : "best-effort", d.state(), d.attempts(), ago(d.updatedMillis()),
                    d.detail().isEmpty() ? "-" : d.detail());
        }
        return recent.isEmpty() ? "no messages sent yet" : table.toString();
    }

    private String ago(long millis) {
        long delta = clock.millis() - millis;
        return delta < 0 ? "in " + Durations.human(-delta) : Durations.human(delta) + " ago";
    }

    private String in(long millis) {
        long delta = millis - clock.millis();
        return delta < 0 ? Durations.human(-delta) + " ago" : "in " + Durations.human(delta);
    }

}
