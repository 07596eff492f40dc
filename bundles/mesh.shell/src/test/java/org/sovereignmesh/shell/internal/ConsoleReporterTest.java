package org.sovereignmesh.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.transport.TransportEvent;
import org.sovereignmesh.api.transport.TransportInfo;
import org.sovereignmesh.api.transport.TransportProfile;
import org.sovereignmesh.api.transport.TransportState;

class ConsoleReporterTest {

    private static TransportEvent event(TransportEvent.Kind kind, String id, TransportState state, String detail) {
        return TransportEvent.of(kind, new TransportInfo(id, "test 1.0.0", TransportProfile.builder().build(), state,
                detail, List.of(), 0));
    }

    @Test
    void aTransportStateIsPrintedOnceUntilItChanges() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleReporter console = new ConsoleReporter(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        console.transportEvent(event(TransportEvent.Kind.TRANSPORT_ADDED, "ble", TransportState.STARTING, ""));
        console.transportEvent(event(TransportEvent.Kind.TRANSPORT_CHANGED, "ble", TransportState.UNAVAILABLE, "no bus"));
        console.transportEvent(event(TransportEvent.Kind.TRANSPORT_CHANGED, "ble", TransportState.UNAVAILABLE, "no bus"));
        console.transportEvent(event(TransportEvent.Kind.TRANSPORT_CHANGED, "tcp", TransportState.UNAVAILABLE, "no bus"));
        console.transportEvent(event(TransportEvent.Kind.TRANSPORT_CHANGED, "ble", TransportState.UNAVAILABLE, "no adapter"));
        console.transportEvent(event(TransportEvent.Kind.TRANSPORT_REMOVED, "ble", TransportState.UNAVAILABLE, "no adapter"));
        console.transportEvent(event(TransportEvent.Kind.TRANSPORT_CHANGED, "ble", TransportState.UNAVAILABLE, "no adapter"));
        assertEquals(List.of(
                "transport ble added (test 1.0.0)",
                "transport ble UNAVAILABLE (no bus)",
                "transport tcp UNAVAILABLE (no bus)",
                "transport ble UNAVAILABLE (no adapter)",
                "transport ble removed",
                "transport ble UNAVAILABLE (no adapter)"),
                bytes.toString(StandardCharsets.UTF_8).lines().toList());
    }
}
