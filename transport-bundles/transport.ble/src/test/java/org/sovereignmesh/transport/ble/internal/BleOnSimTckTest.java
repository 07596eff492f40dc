package org.sovereignmesh.transport.ble.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
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

/**
 * Three BLE transports on the simulated medium, each peripheral and central, at the smallest ATT MTU (23: 18 frame
 * bytes per chunk, so every frame above 18 bytes is fragmented) and 512-byte frames. The hostile peer is a raw GATT
 * central that says HELLO and then writes whatever it is given: chunks out of sequence, without a first chunk,
 * endless frames, unknown kinds and tags, truncated control chunks.
 */
class BleOnSimTckTest extends TransportTck {
    static final int ATT_MTU = 23;
    static final int MAX_FRAME = 512;
    /** In a raw input, a tag byte of this value stands for the hostile link's real tag. */
    static final byte OWN_TAG = (byte) 0xEE;

    @Override
    protected TransportFixture createFixture() {
        return new TransportFixture() {
            private SimBleMedium medium;
            private final Map<Transport, String> addresses = new HashMap<>();
            private VirtualScheduler clock;

            @Override
            public Transport create(int index, VirtualScheduler scheduler) {
                if (medium == null) {
                    clock = scheduler;
                    medium = new SimBleMedium(scheduler, 250_000, Duration.ofMillis(15));
                }
                String address = String.format("02:00:00:00:00:%02x", index + 1);
                BleTransport t = BleTransport.onSimulatedMedium("ble-" + index, medium, address, ATT_MTU, MAX_FRAME);
                addresses.put(t, address);
                return t;
            }

            @Override
            public int fragmentSize() {
                return Chunks.payloadPerChunk(ATT_MTU);
            }

            @Override
            public Optional<HostilePeer> hostilePeer(Transport target) {
                return Optional.of(new HostileCentral(medium, clock, addresses.get(target)));
            }
        };
    }

    /** A central that speaks raw chunks. */
    static final class HostileCentral implements HostilePeer, GattStack.Notifications, GattStack.Events {
        private final GattStack station;
        private final String target;
        private final ArrayDeque<byte[]> waiting = new ArrayDeque<>();
        private GattStack.Connection connection;
        private int tag = -1;
        private boolean connecting;
        private final int nonce = 0x484f5354;

        HostileCentral(SimBleMedium medium, VirtualScheduler clock, String target) {
            this.station = medium.station("02:00:00:00:00:99", ATT_MTU);
            this.target = target;
            station.open(this);
        }

        @Override
        public void inject(byte[] raw) {
            ByteBuffer b = ByteBuffer.wrap(raw);
            while (b.remaining() > 0) {
                int n = b.get() & 0xFF;
                byte[] value = new byte[Math.min(n, b.remaining())];
                b.get(value);
                waiting.add(value);
            }
            if (connection == null && !connecting) {
                connecting = true;
                station.connect(target, this).whenComplete((c, e) -> {
                    connection = c;
                    if (c != null) {
                        c.write(Chunks.control(0, Chunks.HELLO, nonce, 4096));
                    }
                });
            }
            flush();
        }

        private void flush() {
            if (connection == null || tag < 0) {
                return;
            }
            while (!waiting.isEmpty()) {
                byte[] v = waiting.poll();
                if (v.length > 0 && v[0] == OWN_TAG) {
                    v[0] = (byte) tag;
                }
                connection.write(v);
            }
        }

        @Override
        public List<byte[]> hostileInputs() {
            List<byte[]> inputs = new ArrayList<>();
            inputs.add(writes(new byte[] {OWN_TAG, 0x05, 1, 2, 3})); // continuation without FIRST
            inputs.add(writes(new byte[] {OWN_TAG, 0x20, 1}, new byte[] {OWN_TAG, 0x03, 2})); // sequence gap
            List<byte[]> endless = new ArrayList<>();
            endless.add(chunk(0x20, 0));
            for (int i = 1; i < 200; i++) {
                endless.add(chunk(0, i)); // a frame that never ends, far above the MTU
            }
            inputs.add(writes(endless.toArray(new byte[0][])));
            inputs.add(writes(new byte[] {OWN_TAG, (byte) 0x80, 9}, new byte[] {OWN_TAG}, new byte[0],
                    new byte[] {OWN_TAG, 0x40}, new byte[] {OWN_TAG, 0x40, 7, 1}, new byte[] {OWN_TAG, 0x40, 1, 2}));
            inputs.add(writes(new byte[] {0x7B, 0x30, 1, 2, 3})); // a tag that is nobody's
            byte[] tooLong = new byte[40];
            tooLong[0] = OWN_TAG;
            tooLong[1] = 0x30;
            inputs.add(writes(tooLong)); // longer than ATT_MTU - 3: the stack refuses it
            return inputs;
        }

        private static byte[] chunk(int flags, int sequence) {
            byte[] c = new byte[20];
            Arrays.fill(c, (byte) 0x55);
            c[0] = OWN_TAG;
            c[1] = (byte) (flags | (sequence & 0x0F));
            return c;
        }

        @Override
        public byte[] wellFormed(byte[] payload) {
            byte[][] chunks = Chunks.split(OWN_TAG & 0xFF, payload, ATT_MTU, 0);
            return writes(chunks);
        }

        private static byte[] writes(byte[]... values) {
            ByteBuffer b = ByteBuffer.allocate(Arrays.stream(values).mapToInt(v -> v.length + 1).sum());
            for (byte[] v : values) {
                b.put((byte) v.length).put(v);
            }
            return b.array();
        }

        @Override
        public void notified(byte[] value) {
            Chunks.Control c = Chunks.Control.parse(value);
            if (c != null && c.code() == Chunks.WELCOME && c.nonce() == nonce) {
                tag = c.tag();
                flush();
            }
        }

        @Override
        public void disconnected(String reason) {
            connection = null;
            connecting = false;
            tag = -1;
        }

        @Override
        public void ready(String address, String detail) {
        }

        @Override
        public void failed(String reason) {
        }

        @Override
        public void discovered(String address) {
        }

        @Override
        public void written(String central, byte[] value, int attMtu) {
        }

        @Override
        public void centralGone(String central) {
        }

        @Override
        public void close() {
            station.close();
        }
    }
}
