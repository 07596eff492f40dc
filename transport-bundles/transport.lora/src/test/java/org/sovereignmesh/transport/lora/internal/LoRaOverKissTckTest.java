package org.sovereignmesh.transport.lora.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.time.VirtualScheduler;
import org.sovereignmesh.transport.sim.internal.SimMedium;
import org.sovereignmesh.transport.tck.HostilePeer;
import org.sovereignmesh.transport.tck.TransportFixture;
import org.sovereignmesh.transport.tck.TransportTck;
import org.sovereignmesh.transport.tck.serial.MemorySerialPort;

/**
 * The LoRa transport with its real RNode driver, each on an in-memory serial line to a fake RNode; the fake RNodes
 * share a simulated LoRa channel. Hostile input comes from the modem side of the serial line.
 */
class LoRaOverKissTckTest extends TransportTck {
    static final LoRaSettings FAST = new LoRaSettings(869_525_000L, new LoRaModulation(7, 250_000, 5, 8), 10, 0.1, 32,
            Duration.ofSeconds(10));

    @Override
    protected TransportFixture createFixture() {
        return new TransportFixture() {
            private SimMedium medium;
            private final Map<Transport, FakeRNode> modems = new HashMap<>();

            @Override
            public Transport create(int index, VirtualScheduler clock) {
                if (medium == null) {
                    medium = new SimMedium("lora", clock, 0, 1);
                }
                MemorySerialPort port = new MemorySerialPort("/dev/fake" + index, clock, index);
                FakeRNode rnode = new FakeRNode(clock, medium, "rnode" + index, index * 100.0, 5000);
                rnode.attach(port.attachDevice(rnode));
                LoRaTransport t = new LoRaTransport("lora-" + index, FAST,
                        scheduler -> new RNodeModem(port, port.name(), 115200, FAST, scheduler));
                modems.put(t, rnode);
                return t;
            }

            @Override
            public Optional<HostilePeer> hostilePeer(Transport target) {
                FakeRNode rnode = modems.get(target);
                return Optional.of(new HostilePeer() {
                    @Override
                    public void inject(byte[] raw) throws Exception {
                        rnode.injectRaw(raw);
                    }

                    @Override
                    public List<byte[]> hostileInputs() {
                        return kissGarbage();
                    }

                    @Override
                    public byte[] wellFormed(byte[] payload) {
                        return Kiss.frame(RNode.CMD_DATA, payload);
                    }
                });
            }
        };
    }

    /** Malformed KISS from a modem: endless data, oversized and badly escaped frames, unknown commands, errors. */
    static List<byte[]> kissGarbage() {
        List<byte[]> inputs = new ArrayList<>();
        byte[] endless = new byte[100_000];
        Arrays.fill(endless, (byte) 0x41);
        inputs.add(endless);
        byte[] oversized = new byte[2_000];
        Arrays.fill(oversized, (byte) 0x55);
        inputs.add(Kiss.frame(RNode.CMD_DATA, oversized));
        inputs.add(new byte[] {(byte) 0xC0, 0x00, 0x01, (byte) 0xDB, 0x42, 0x02, (byte) 0xC0});
        inputs.add(new byte[] {(byte) 0xC0, 0x00, (byte) 0xDB, (byte) 0xC0});
        inputs.add(new byte[] {(byte) 0xC0, (byte) 0xC0, (byte) 0xC0, 0x00, (byte) 0xC0});
        inputs.add(Kiss.frame(0x7E, new byte[] {1, 2, 3}));
        inputs.add(Kiss.frame(RNode.CMD_ERROR, new byte[] {(byte) RNode.ERROR_QUEUE_FULL}));
        inputs.add(Kiss.frame(RNode.CMD_FREQUENCY, new byte[] {1, 2}));
        inputs.add(new byte[] {(byte) 0xC0, 0x00, 0x10, 0x20});
        return inputs;
    }
}
