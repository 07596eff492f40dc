package org.sovereignmesh.transport.satellite.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.TransportState;
import org.sovereignmesh.serial.internal.JSerialCommPorts;
import org.sovereignmesh.time.SystemScheduler;
import org.sovereignmesh.transport.tck.PtyPair;
import org.sovereignmesh.transport.tck.RecordingContext;
import org.sovereignmesh.transport.tck.RecordingReceiver;
import org.sovereignmesh.transport.tck.WallClock;

/**
 * The real serial path: the transport drives the scripted modem through jSerialComm and a socat pty pair, including
 * a failed session (MO status 32) that is retried. Wall-clock time with short session and backoff times; it asserts
 * what happens, never how fast.
 */
class SatelliteOverPtyTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void theAtDialogueWorksOverARealSerialPort(@TempDir Path dir) throws Exception {
        JSerialCommPorts ports = new JSerialCommPorts();
        SatelliteSettings settings = new SatelliteSettings(340, 4, 100, 4, Duration.ofMillis(300),
                Duration.ofSeconds(2), Duration.ZERO, Duration.ofSeconds(1));
        try (SystemScheduler clock = new SystemScheduler("sbd-pty-test"); PtyPair pty = PtyPair.open(dir)) {
            SimulatedGateway gateway = new SimulatedGateway();
            ScriptedSbdModem modem = new ScriptedSbdModem("300234010753370", clock, gateway, Duration.ofMillis(200),
                    Duration.ofMillis(100));
            modem.attach(ports.open(pty.second().toString(), 19200, modem));
            SatelliteTransport transport = new SatelliteTransport("satellite", settings,
                    scheduler -> new SbdDriver(ports, pty.first().toString(), 19200, scheduler));
            RecordingContext context = new RecordingContext(clock);
            transport.start(context);
            WallClock.await("the modem is initialised and the transport ACTIVE", PATIENCE,
                    () -> context.state() == TransportState.ACTIVE);
            assertEquals("/iridium/300234010753370", context.localAddresses().get(0).toString());
            Link link = context.incomingLinks().get(0);
            RecordingReceiver receiver = new RecordingReceiver(clock, "gss");
            link.start(receiver);

            modem.sessionScript.add(32);
            byte[] message = new byte[340];
            for (int i = 0; i < message.length; i++) {
                message[i] = (byte) (255 - i);
            }
            link.send(message).toCompletableFuture().get();
            assertEquals(1, gateway.groundStation.size());
            assertArrayEquals(message, gateway.groundStation.get(0));
            assertEquals(2, modem.sessionTimes.size(), "the failed session was retried");
            assertTrue(context.states().contains(TransportState.DEGRADED), "degraded while retrying");

            gateway.queueMt("300234010753370", new byte[] {'h', 'i', '\r', '\n'});
            WallClock.await("the MT message is downloaded", PATIENCE, () -> receiver.frameCount() == 1);
            assertArrayEquals(new byte[] {'h', 'i', '\r', '\n'}, receiver.frames().get(0));
            assertEquals(List.of("AT", "ATE0", "AT&K0", "AT+SBDMTA=1", "AT+CGSN"), modem.commands.subList(0, 5));
            transport.stop();
            WallClock.await("the gateway link closes on stop", PATIENCE, receiver::closed);
        }
    }
}
