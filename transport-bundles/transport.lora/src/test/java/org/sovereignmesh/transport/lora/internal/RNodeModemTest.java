package org.sovereignmesh.transport.lora.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.TransportState;
import org.sovereignmesh.time.VirtualScheduler;
import org.sovereignmesh.transport.sim.internal.SimMedium;
import org.sovereignmesh.transport.tck.RecordingContext;
import org.sovereignmesh.transport.tck.RecordingReceiver;
import org.sovereignmesh.transport.tck.serial.MemorySerialPort;

/** The RNode driver's dialogue with the modem, and how the transport copes when the modem misbehaves. */
class RNodeModemTest {
    private final VirtualScheduler clock = new VirtualScheduler();
    private final SimMedium medium = new SimMedium("ch", clock, 0, 1);
    private final LoRaSettings settings = LoRaSettings.eu868();
    private final MemorySerialPort port = new MemorySerialPort("/dev/ttyUSB0", clock, 3);
    private final FakeRNode rnode = new FakeRNode(clock, medium, "r", 0, 1000);
    private final RecordingContext context = new RecordingContext(clock);
    private final LoRaTransport transport = new LoRaTransport("lora", settings,
            scheduler -> new RNodeModem(port, port.name(), 115200, settings, scheduler));

    RNodeModemTest() {
        rnode.attach(port.attachDevice(rnode));
    }

    @Test
    void detectsThenConfiguresEverySettingAndTurnsTheRadioOn() throws Exception {
        transport.start(context);
        clock.runFor(Duration.ofSeconds(1));
        assertEquals(TransportState.ACTIVE, context.state(), context.stateDetail());
        assertEquals(List.of(RNode.CMD_DETECT, RNode.CMD_FW_VERSION, RNode.CMD_FREQUENCY, RNode.CMD_BANDWIDTH,
                RNode.CMD_TXPOWER, RNode.CMD_SF, RNode.CMD_CR, RNode.CMD_RADIO_STATE), rnode.commandCodes());
        assertEquals(868_100_000L, rnode.frequency());
        assertEquals("/lora/868.1/sf/9/bw/125", context.localAddresses().get(0).toString());
        assertEquals(1, context.incomingLinks().size());
        transport.stop();
        clock.runFor(Duration.ofSeconds(1));
        assertEquals(RNode.CMD_RADIO_STATE, rnode.commands.get(rnode.commands.size() - 1)[0]);
        assertEquals(RNode.RADIO_STATE_OFF, rnode.commands.get(rnode.commands.size() - 1)[1], "radio off on stop");
    }

    @Test
    void aSilentModemLeavesTheTransportUnavailableAndItRetriesUntilTheModemAnswers() throws Exception {
        rnode.silent = true;
        transport.start(context);
        clock.runFor(Duration.ofSeconds(5));
        assertEquals(TransportState.UNAVAILABLE, context.state());
        assertTrue(context.stateDetail().contains("no RNode answered on /dev/ttyUSB0"), context.stateDetail());
        assertTrue(context.incomingLinks().isEmpty(), "no link without a radio");
        rnode.silent = false;
        clock.runFor(Duration.ofSeconds(15));
        assertEquals(TransportState.ACTIVE, context.state(), "the retry finds the modem: " + context.stateDetail());
        assertEquals(1, context.incomingLinks().size());
        transport.stop();
    }

    @Test
    void aModemThatReportsOtherSettingsIsNotUsed() throws Exception {
        rnode.frequencyReportOffset = 200_000;
        transport.start(context);
        clock.runFor(Duration.ofSeconds(5));
        assertEquals(TransportState.UNAVAILABLE, context.state());
        assertTrue(context.stateDetail().contains("reports frequency 868300000 instead of 868100000"),
                context.stateDetail());
        transport.stop();
    }

    @Test
    void unpluggingTheModemClosesTheLinkAndTransmitErrorsFailTheFrame() throws Exception {
        transport.start(context);
        clock.runFor(Duration.ofSeconds(1));
        Link link = context.incomingLinks().get(0);
        RecordingReceiver receiver = new RecordingReceiver(clock, "lora");
        link.start(receiver);
        rnode.failTransmissions = true;
        var failed = link.send(new byte[10]).toCompletableFuture();
        clock.runFor(Duration.ofSeconds(1));
        assertTrue(failed.isCompletedExceptionally(), "the modem's ERROR_TXFAILED fails the frame");
        rnode.failTransmissions = false;
        port.unplug();
        clock.runFor(Duration.ofSeconds(1));
        assertEquals(TransportState.UNAVAILABLE, context.state());
        assertTrue(context.stateDetail().contains("device unplugged"), context.stateDetail());
        assertEquals(1, receiver.closeCount(), "the channel link closes with the modem");
        assertTrue(receiver.violations().isEmpty(), receiver.violations().toString());
        transport.stop();
    }
}
