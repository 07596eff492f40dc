package org.sovereignmesh.transport.lora.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.TransportState;
import org.sovereignmesh.serial.internal.JSerialCommPorts;
import org.sovereignmesh.time.SystemScheduler;
import org.sovereignmesh.transport.sim.internal.SimMedium;
import org.sovereignmesh.transport.tck.PtyPair;
import org.sovereignmesh.transport.tck.RecordingContext;
import org.sovereignmesh.transport.tck.RecordingReceiver;
import org.sovereignmesh.transport.tck.WallClock;

/**
 * The real serial path: two LoRa transports open pseudo-terminals with jSerialComm, each pty pair (socat) leads to
 * a fake RNode, and the two fake RNodes share a simulated channel. Runs on wall-clock time because real threads
 * move the bytes; it asserts what arrives, never how fast.
 */
class LoRaOverPtyTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @Test
    void framesTravelFromOneTransportThroughRealSerialPortsToAnother(@TempDir Path dir) throws Exception {
        LoRaSettings settings = new LoRaSettings(915_000_000L, new LoRaModulation(7, 500_000, 5, 8), 10, 1.0, 8,
                Duration.ofSeconds(1));
        JSerialCommPorts ports = new JSerialCommPorts();
        try (SystemScheduler clock = new SystemScheduler("lora-pty-test");
                PtyPair ptyA = PtyPair.open(dir.resolve("a"));
                PtyPair ptyB = PtyPair.open(dir.resolve("b"))) {
            SimMedium medium = new SimMedium("air", clock, 0, 1);
            FakeRNode rnodeA = new FakeRNode(clock, medium, "ra", 0, 1000);
            FakeRNode rnodeB = new FakeRNode(clock, medium, "rb", 10, 1000);
            rnodeA.attach(ports.open(ptyA.second().toString(), 115200, rnodeA));
            rnodeB.attach(ports.open(ptyB.second().toString(), 115200, rnodeB));
            LoRaTransport a = new LoRaTransport("lora-a", settings,
                    scheduler -> new RNodeModem(ports, ptyA.first().toString(), 115200, settings, scheduler));
            LoRaTransport b = new LoRaTransport("lora-b", settings,
                    scheduler -> new RNodeModem(ports, ptyB.first().toString(), 115200, settings, scheduler));
            RecordingContext ca = new RecordingContext(clock);
            RecordingContext cb = new RecordingContext(clock);
            a.start(ca);
            b.start(cb);
            WallClock.await("both transports configure their RNode and go ACTIVE", PATIENCE,
                    () -> ca.state() == TransportState.ACTIVE && cb.state() == TransportState.ACTIVE);
            assertEquals(List.of(RNode.CMD_DETECT, RNode.CMD_FW_VERSION, RNode.CMD_FREQUENCY, RNode.CMD_BANDWIDTH,
                    RNode.CMD_TXPOWER, RNode.CMD_SF, RNode.CMD_CR, RNode.CMD_RADIO_STATE), rnodeA.commandCodes());
            Link la = ca.incomingLinks().get(0);
            Link lb = cb.incomingLinks().get(0);
            RecordingReceiver ra = new RecordingReceiver(clock, "a");
            RecordingReceiver rb = new RecordingReceiver(clock, "b");
            la.start(ra);
            lb.start(rb);
            byte[] frame = new byte[255];
            for (int i = 0; i < frame.length; i++) {
                frame[i] = (byte) (i % 4 == 0 ? 0xC0 : i % 4 == 1 ? 0xDB : i);
            }
            la.send(frame).toCompletableFuture().get();
            WallClock.await("b receives the frame", PATIENCE, () -> rb.frameCount() == 1);
            assertArrayEquals(frame, rb.frames().get(0), "a full 255-byte frame full of KISS specials arrives intact");
            lb.send(new byte[] {1, 2, 3}).toCompletableFuture().get();
            WallClock.await("a receives the reply", PATIENCE, () -> ra.frameCount() == 1);
            assertArrayEquals(new byte[] {1, 2, 3}, ra.frames().get(0));

            ptyB.close();
            WallClock.await("b is UNAVAILABLE once its pty is gone", PATIENCE,
                    () -> cb.state() == TransportState.UNAVAILABLE);
            WallClock.await("the link closes when the modem's serial line disappears", PATIENCE, rb::closed);
            a.stop();
            b.stop();
            WallClock.await("a's link closes on stop", PATIENCE, ra::closed);
        }
    }
}
