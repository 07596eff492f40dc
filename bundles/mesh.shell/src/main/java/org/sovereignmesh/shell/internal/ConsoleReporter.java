package org.sovereignmesh.shell.internal;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.sovereignmesh.api.MeshMessage;
import org.sovereignmesh.api.MeshNetwork;
import org.sovereignmesh.api.MessageHandler;
import org.sovereignmesh.api.transport.LinkInfo;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.TransportEvent;
import org.sovereignmesh.api.transport.TransportEventListener;
import org.sovereignmesh.api.transport.TransportInfo;

/**
 * The node's console output: its identity at start, transports coming, going and listening, links going up and
 * down, and text messages received on the {@value MeshCommands#TEXT_CHANNEL} channel.
 */
@Component(service = {TransportEventListener.class, MessageHandler.class},
        property = MessageHandler.CHANNEL_PROPERTY + "=" + MeshCommands.TEXT_CHANNEL)
public final class ConsoleReporter implements TransportEventListener, MessageHandler {
    private final PrintStream out;
    private final Map<String, String> lastStateLines = new ConcurrentHashMap<>();

    @Activate
    public ConsoleReporter(@Reference MeshNetwork network) {
        this(network, System.out);
    }

    ConsoleReporter(MeshNetwork network, PrintStream out) {
        this(out);
        out.println("Sovereign Mesh node " + network.localPeer().toDid());
        out.flush();
    }

    ConsoleReporter(PrintStream out) {
        this.out = out;
    }

    @Override
    public void transportEvent(TransportEvent event) {
        String line = describe(event);
        if (line == null || !changed(event, line)) {
            return;
        }
        out.println(line);
        out.flush();
    }

    /**
     * A change event describes the transport as it is when delivered, so several quick changes print the same line
     * several times: only a line that differs from the transport's last one is worth printing.
     */
    private boolean changed(TransportEvent event, String line) {
        switch (event.kind()) {
            case TRANSPORT_CHANGED:
                return !line.equals(lastStateLines.put(event.transport().orElseThrow().id(), line));
            case TRANSPORT_REMOVED:
                lastStateLines.remove(event.transport().orElseThrow().id());
                return true;
            default:
                return true;
        }
    }

    @Override
    public void messageReceived(MeshMessage message) {
        out.println("message from " + message.source() + ": "
                + new String(message.payload(), StandardCharsets.UTF_8));
        out.flush();
    }

    static String describe(TransportEvent event) {
        switch (event.kind()) {
            case TRANSPORT_ADDED: {
                TransportInfo t = event.transport().orElseThrow();
                return "transport " + t.id() + " added (" + t.provider() + ")";
            }
            case TRANSPORT_CHANGED: {
                TransportInfo t = event.transport().orElseThrow();
                String where = t.localAddresses().isEmpty() ? ""
                        : ", listening on " + t.localAddresses().stream().map(MeshAddress::toString)
                                .collect(Collectors.joining(" "));
                return "transport " + t.id() + " " + t.state() + where
                        + (t.stateDetail().isEmpty() ? "" : " (" + t.stateDetail() + ")");
            }
            case TRANSPORT_REMOVED:
                return "transport " + event.transport().orElseThrow().id() + " removed";
            case LINK_ESTABLISHED: {
                LinkInfo l = event.link().orElseThrow();
                String who = l.peer().map(Object::toString).orElse(event.detail());
                return "link " + l.id() + " up: " + who + " via " + l.transportId() + " " + l.remoteAddress();
            }
            case LINK_CLOSED: {
                LinkInfo l = event.link().orElseThrow();
                // links that never identified a neighbour are noise on a console
                return l.peer().isEmpty() ? null : "link " + l.id() + " down: " + event.detail();
            }
            default:
                return null;
        }
    }
}
