package org.sovereignmesh.transport.lora.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.serial.SerialLine;
import org.sovereignmesh.serial.SerialListener;
import org.sovereignmesh.transport.sim.RadioMedium;
import org.sovereignmesh.transport.sim.RadioStation;
import org.sovereignmesh.transport.sim.StationSpec;

/**
 * The device end of an RNode as the firmware behaves on the serial line: answers detection and version queries,
 * reports back every setting it is given, and with the radio on puts data frames on a simulated LoRa channel (with
 * the exact airtime of its settings) and reports what it hears with RSSI and SNR first. Faults can be switched on:
 * silence, a wrong frequency report, transmit errors. Everything runs on the scheduler.
 */
final class FakeRNode implements SerialListener {
    private final Scheduler scheduler;
    private final RadioMedium medium;
    private final String name;
    private final double x;
    private final double range;
    private final Kiss.Decoder decoder;
    final List<int[]> commands = new CopyOnWriteArrayList<>();
    private SerialLine line;
    private RadioStation station;

    volatile boolean silent;
    volatile long frequencyReportOffset;
    volatile boolean failTransmissions;

    private long frequency;
    private long bandwidth;
    private int spreadingFactor;
    private int codingRate;

    FakeRNode(Scheduler scheduler, RadioMedium medium, String name, double x, double range) {
        this.scheduler = scheduler;
        this.medium = medium;
        this.name = name;
        this.x = x;
        this.range = range;
        this.decoder = new Kiss.Decoder(600, this::command);
    }

    void attach(SerialLine deviceLine) {
        this.line = deviceLine;
    }

    /** Writes {@code raw} to the host as is. */
    void injectRaw(byte[] raw) throws IOException {
        line.write(raw);
    }

    /** @return the commands the host sent, as (command, first data byte or -1) */
    List<Integer> commandCodes() {
        List<Integer> codes = new ArrayList<>();
        for (int[] c : commands) {
            codes.add(c[0]);
        }
        return codes;
    }

    @Override
    public void received(byte[] bytes) {
        scheduler.execute(() -> decoder.feed(bytes));
    }

    @Override
    public void closed(IOException cause) {
        scheduler.execute(this::radioOff);
    }

    private void command(int command, byte[] data) {
        commands.add(new int[] {command, data.length > 0 ? data[0] & 0xFF : -1});
        if (silent) {
            return;
        }
        switch (command) {
            case RNode.CMD_DETECT:
                if (data.length == 1 && (data[0] & 0xFF) == RNode.DETECT_REQ) {
                    reply(RNode.CMD_DETECT, new byte[] {(byte) RNode.DETECT_RESP});
                }
                break;
            case RNode.CMD_FW_VERSION:
                reply(RNode.CMD_FW_VERSION, new byte[] {1, 0x4A});
                break;
            case RNode.CMD_FREQUENCY:
                frequency = RNode.uint32(data);
                reply(RNode.CMD_FREQUENCY, RNode.uint32(frequency + frequencyReportOffset));
                break;
            case RNode.CMD_BANDWIDTH:
                bandwidth = RNode.uint32(data);
                reply(RNode.CMD_BANDWIDTH, data);
                break;
            case RNode.CMD_TXPOWER:
                reply(RNode.CMD_TXPOWER, data);
                break;
            case RNode.CMD_SF:
                spreadingFactor = data[0];
                reply(RNode.CMD_SF, data);
                break;
            case RNode.CMD_CR:
                codingRate = data[0];
                reply(RNode.CMD_CR, data);
                break;
            case RNode.CMD_RADIO_STATE:
                if ((data[0] & 0xFF) == RNode.RADIO_STATE_ON) {
                    radioOn();
                } else {
                    radioOff();
                }
                reply(RNode.CMD_RADIO_STATE, data);
                break;
            case RNode.CMD_DATA:
                transmit(data);
                break;
            default:
                break;
        }
    }

    private void radioOn() {
        if (station == null) {
            LoRaModulation modulation = new LoRaModulation(spreadingFactor, bandwidth, codingRate, 8);
            station = medium.join(new StationSpec(name, x, 0, range, modulation::airtimeNanos, 1.0), this::heard);
        }
    }

    private void radioOff() {
        if (station != null) {
            station.leave();
            station = null;
        }
    }

    private void transmit(byte[] data) {
        if (station == null || failTransmissions) {
            reply(RNode.CMD_ERROR, new byte[] {(byte) RNode.ERROR_TXFAILED});
            return;
        }
        station.transmit(data).whenComplete((ok, error) -> {
            if (error == null) {
                reply(RNode.CMD_READY, new byte[] {1});
            } else {
                reply(RNode.CMD_ERROR, new byte[] {(byte) RNode.ERROR_TXFAILED});
            }
        });
    }

    private void heard(byte[] frame) {
        reply(RNode.CMD_STAT_RSSI, new byte[] {(byte) (RNode.RSSI_OFFSET - 80)});
        reply(RNode.CMD_STAT_SNR, new byte[] {(byte) 28});
        reply(RNode.CMD_DATA, frame);
    }

    private void reply(int command, byte[] data) {
        try {
            line.write(Kiss.frame(command, data));
        } catch (IOException e) {
            // host gone: like the firmware, keep running
        }
    }

    long frequency() {
        return frequency;
    }
}
