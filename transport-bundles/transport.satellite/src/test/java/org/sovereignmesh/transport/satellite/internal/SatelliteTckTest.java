package org.sovereignmesh.transport.satellite.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.time.VirtualScheduler;
import org.sovereignmesh.transport.tck.HostilePeer;
import org.sovereignmesh.transport.tck.TransportFixture;
import org.sovereignmesh.transport.tck.TransportTck;
import org.sovereignmesh.transport.tck.serial.MemorySerialPort;

/**
 * Two satellite transports, each driving a scripted SBD modem over an in-memory serial line; the gateway routes
 * each modem's MO messages to the other (device to device), so frames are limited to the 270-byte MT size.
 */
class SatelliteTckTest extends TransportTck {
    static final SatelliteSettings SETTINGS = new SatelliteSettings(SbdDriver.MAX_MT, 8, 500, 4,
            Duration.ofSeconds(20), Duration.ofMinutes(5), Duration.ZERO, Duration.ofSeconds(30));

    @Override
    protected TransportFixture createFixture() {
        return new TransportFixture() {
            private final SimulatedGateway gateway = new SimulatedGateway();
            private final Map<Transport, ScriptedSbdModem> modems = new HashMap<>();

            @Override
            public Transport create(int index, VirtualScheduler clock) {
                String imei = "30023401075337" + index;
                gateway.route(imei, "30023401075337" + (1 - index));
                ScriptedSbdModem modem = new ScriptedSbdModem(imei, clock, gateway, Duration.ofSeconds(8),
                        Duration.ofSeconds(2));
                MemorySerialPort port = new MemorySerialPort("/dev/ttyUSB" + index, clock, 11 + index);
                modem.attach(port.attachDevice(modem));
                SatelliteTransport t = new SatelliteTransport("satellite-" + index, SETTINGS,
                        scheduler -> new SbdDriver(port, port.name(), 19200, scheduler));
                modems.put(t, modem);
                return t;
            }

            @Override
            public int maxTransports() {
                return 2;
            }

            @Override
            public LinkStyle linkStyle(Transport transport) {
                return LinkStyle.OFFERED;
            }

            @Override
            public Optional<HostilePeer> hostilePeer(Transport target) {
                ScriptedSbdModem modem = modems.get(target);
                return Optional.of(new HostilePeer() {
                    @Override
                    public void inject(byte[] raw) throws Exception {
                        modem.injectRaw(raw);
                    }

                    @Override
                    public List<byte[]> hostileInputs() {
                        return atGarbage();
                    }

                    /** On this medium a frame arrives as a ring alert for a message waiting at the gateway. */
                    @Override
                    public byte[] wellFormed(byte[] payload) {
                        gateway.queueMt(modem.imei, payload);
                        return "SBDRING\r\n".getBytes(StandardCharsets.US_ASCII);
                    }
                });
            }
        };
    }

    /** What a broken or hostile modem might write: endless lines, stray results, noise, ring storms. */
    static List<byte[]> atGarbage() {
        List<byte[]> inputs = new ArrayList<>();
        byte[] endless = new byte[100_000];
        Arrays.fill(endless, (byte) 'Z');
        inputs.add(endless);
        inputs.add("\r\n".getBytes(StandardCharsets.US_ASCII));
        for (String stray : List.of("OK", "ERROR", "READY", "+SBDIX: 0, 1, 1, 1, 999, 0", "+SBDIX: banana",
                "+CIEV:0,5", "0", "3")) {
            inputs.add(("\r\n" + stray + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        byte[] noise = new byte[512];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (byte) (i * 37);
        }
        inputs.add(noise);
        inputs.add("\r\n".getBytes(StandardCharsets.US_ASCII));
        inputs.add("SBDRING\r\n".repeat(50).getBytes(StandardCharsets.US_ASCII));
        return inputs;
    }
}
