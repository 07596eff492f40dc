package org.sovereignmesh.transport.ble.internal.bluez;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.interfaces.ObjectManager;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.UInt16;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.TransportState;
import org.sovereignmesh.time.SystemScheduler;
import org.sovereignmesh.transport.ble.internal.BleTestAccess;
import org.sovereignmesh.transport.tck.RecordingContext;
import org.sovereignmesh.transport.tck.RecordingReceiver;
import org.sovereignmesh.transport.tck.WallClock;

/**
 * The real D-Bus code path: the BLE transport with its BlueZ stack on a private dbus-daemon, against a fake BlueZ on
 * the same bus. Checks what is exported and registered (GATT application, service, characteristic, advertisement),
 * the discovery filter, discovery of devices, the peripheral role (a remote central's WriteValue calls and the
 * transport's notifications as PropertiesChanged signals) and the central role (Device1.Connect, the MTU property,
 * StartNotify, write-without-response WriteValue calls, notifications in), with frames larger than one ATT value.
 */
class BluezStackOverDBusTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @Test
    void theTransportServesAndUsesGattThroughBlueZOverDBus(@TempDir Path dir) throws Exception {
        try (PrivateBus bus = PrivateBus.start(dir.resolve("bus"));
                FakeBlueZ bluez = new FakeBlueZ(bus.address());
                SystemScheduler clock = new SystemScheduler("ble-dbus-test")) {
            var transport = BleTestAccess.onBlueZ("ble", bus.address(), "hci0", 1024);
            RecordingContext context = new RecordingContext(clock);
            transport.start(context);
            WallClock.await("ACTIVE on the fake adapter", PATIENCE, () -> context.state() == TransportState.ACTIVE);
            assertEquals(List.of(MeshAddress.parse("/ble/" + FakeBlueZ.ADAPTER_ADDRESS)), context.localAddresses());

            // what was registered with BlueZ, read back over the bus as bluetoothd would
            WallClock.await("application and advertisement registered", PATIENCE,
                    () -> bluez.calls.contains("StartDiscovery"));
            String[] app = bluez.registrations.get("application").split(" ");
            String[] adv = bluez.registrations.get("advertisement").split(" ");
            Map<DBusPath, Map<String, Map<String, Variant<?>>>> objects = bluez.bus
                    .getRemoteObject(app[0], app[1], ObjectManager.class).GetManagedObjects();
            Map<String, Variant<?>> service = objects.get(new DBusPath(app[1] + "/service0")).get(BlueZ.GATT_SERVICE);
            assertEquals(org.sovereignmesh.transport.ble.internal.BleSettings.SERVICE_UUID, service.get("UUID").getValue());
            assertEquals(Boolean.TRUE, service.get("Primary").getValue());
            String charPath = app[1] + "/service0/char0";
            Map<String, Variant<?>> characteristic = objects.get(new DBusPath(charPath)).get(BlueZ.GATT_CHARACTERISTIC);
            assertEquals(org.sovereignmesh.transport.ble.internal.BleSettings.CHARACTERISTIC_UUID,
                    characteristic.get("UUID").getValue());
            assertEquals(app[1] + "/service0", ((DBusPath) characteristic.get("Service").getValue()).getPath());
            assertEquals(List.of("write-without-response", "notify"), flags(characteristic.get("Flags")));
            Map<String, Variant<?>> advertisement = bluez.bus.getRemoteObject(adv[0], adv[1], Properties.class)
                    .GetAll(BlueZ.ADVERTISEMENT);
            assertEquals("peripheral", advertisement.get("Type").getValue());
            assertEquals(List.of(org.sovereignmesh.transport.ble.internal.BleSettings.SERVICE_UUID),
                    flags(advertisement.get("ServiceUUIDs")));
            assertEquals("le", bluez.discoveryFilter.get("Transport").getValue());
            assertEquals(List.of(org.sovereignmesh.transport.ble.internal.BleSettings.SERVICE_UUID),
                    flags(bluez.discoveryFilter.get("UUIDs")));

            // discovery: the known device, and one that appears
            WallClock.await("the known mesh device is discovered", PATIENCE, () -> context.neighbours()
                    .contains(MeshAddress.parse("/ble/" + FakeBlueZ.PEER)));
            bluez.deviceFound("02:00:00:00:00:03", org.sovereignmesh.transport.ble.internal.BleSettings.SERVICE_UUID);
            WallClock.await("a device appearing with the mesh UUID is discovered", PATIENCE, () -> context.neighbours()
                    .contains(MeshAddress.parse("/ble/02:00:00:00:00:03")));

            // peripheral role: the fake plays a remote central 02:00:00:00:00:04 with an ATT MTU of 100
            BlockingQueue<byte[]> notified = new LinkedBlockingQueue<>();
            bluez.bus.addSigHandler(Properties.PropertiesChanged.class, signal -> {
                if (signal.getPath().equals(charPath) && signal.getPropertiesChanged().get("Value") != null) {
                    notified.add(BlueZ.bytes(signal.getPropertiesChanged().get("Value").getValue()));
                }
            });
            BlueZ.GattCharacteristic1 ours = bluez.bus.getRemoteObject(app[0], charPath, BlueZ.GattCharacteristic1.class);
            ours.StartNotify();
            Map<String, Variant<?>> options = Map.of("device",
                    new Variant<>(new DBusPath(BlueZ.devicePath(FakeBlueZ.ADAPTER, "02:00:00:00:00:04"))),
                    "mtu", new Variant<>(new UInt16(100)));
            ours.WriteValue(BleTestAccess.hello(0x1234, 4096), options);
            byte[] welcome = notified.poll(20, TimeUnit.SECONDS);
            assertNotNull(welcome, "WELCOME notified");
            int tag = BleTestAccess.welcomedTag(welcome, 0x1234);
            WallClock.await("the central's link is offered", PATIENCE, () -> context.incomingLinks().size() == 1);
            Link served = context.incomingLinks().get(0);
            assertEquals(MeshAddress.parse("/ble/02:00:00:00:00:04"), served.remoteAddress());
            assertEquals(1024, served.mtu(), "the smaller of both ends' frame limits");
            RecordingReceiver servedRx = new RecordingReceiver(clock, "served");
            served.start(servedRx);
            byte[] in = pattern(300, 3);
            for (byte[] chunk : BleTestAccess.split(tag, in, 100)) {
                ours.WriteValue(chunk, options);
            }
            WallClock.await("a 300-byte frame written in 100-MTU chunks arrives", PATIENCE, () -> servedRx.frameCount() == 1);
            assertArrayEquals(in, servedRx.frames().get(0));
            byte[] out = pattern(500, 5);
            served.send(out).toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertArrayEquals(out, BleTestAccess.reassemble(notified, tag, 1024), "notifications carry the frame back");

            // central role: connect to the fake peripheral, whose characteristic offers ATT MTU 185
            bluez.onPeerWrite = value -> {
                Integer nonce = BleTestAccess.helloNonce(value);
                if (nonce != null) {
                    try {
                        bluez.peerNotifies(BleTestAccess.welcome(9, nonce, 600));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            };
            Link link = transport.connect(MeshAddress.parse("/ble/" + FakeBlueZ.PEER)).toCompletableFuture()
                    .get(20, TimeUnit.SECONDS);
            assertEquals(600, link.mtu());
            assertTrue(bluez.calls.contains("Connect " + FakeBlueZ.PEER), bluez.calls.toString());
            assertTrue(bluez.calls.contains("StartNotify " + FakeBlueZ.PEER), bluez.calls.toString());
            RecordingReceiver rx = new RecordingReceiver(clock, "central");
            link.start(rx);
            bluez.peerWrites.clear();
            byte[] toPeer = pattern(400, 7);
            link.send(toPeer).toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertArrayEquals(toPeer, BleTestAccess.reassemble(bluez.peerWrites, 9, 4096),
                    "WriteValue calls of at most ATT MTU 185 - 3 bytes carry the frame");
            assertTrue(bluez.calls.contains("WriteValue type=command"), "written without response");
            byte[] fromPeer = pattern(333, 11);
            for (byte[] chunk : BleTestAccess.split(9, fromPeer, 185)) {
                bluez.peerNotifies(chunk);
            }
            WallClock.await("the peer's notifications arrive as a frame", PATIENCE, () -> rx.frameCount() == 1);
            assertArrayEquals(fromPeer, rx.frames().get(0));

            // the remote central disconnects: its link closes
            bluez.centralDisconnects("02:00:00:00:00:04");
            WallClock.await("the served link closes when its central disconnects", PATIENCE, servedRx::closed);

            transport.stop();
            WallClock.await("stop unregisters from BlueZ", PATIENCE, () -> bluez.calls.contains("UnregisterApplication")
                    && bluez.calls.contains("UnregisterAdvertisement") && bluez.calls.contains("StopDiscovery"));
            WallClock.await("the central link closes on stop", PATIENCE, rx::closed);
        }
    }

    @Test
    void withoutABusTheTransportIsUnavailableWithTheReason(@TempDir Path dir) throws Exception {
        try (SystemScheduler clock = new SystemScheduler("ble-nobus-test")) {
            var transport = BleTestAccess.onBlueZ("ble", "unix:path=" + dir.resolve("no-such-bus"), "hci0", 1024);
            RecordingContext context = new RecordingContext(clock);
            transport.start(context);
            WallClock.await("UNAVAILABLE", PATIENCE, () -> context.state() == TransportState.UNAVAILABLE);
            assertTrue(context.stateDetail().startsWith("cannot reach D-Bus at unix:path=" + dir.resolve("no-such-bus")
                    + " (BlueZ needs it): no socket at " + dir.resolve("no-such-bus")), context.stateDetail());
            assertTrue(context.stateDetail().contains("retrying every"), context.stateDetail());
            transport.stop();
        }
    }

    @Test
    void aBusWithoutBlueZOrAdapterIsUnavailableWithTheReason(@TempDir Path dir) throws Exception {
        try (PrivateBus bus = PrivateBus.start(dir.resolve("bus"));
                SystemScheduler clock = new SystemScheduler("ble-nobluez-test")) {
            var transport = BleTestAccess.onBlueZ("ble", bus.address(), "hci0", 1024);
            RecordingContext context = new RecordingContext(clock);
            transport.start(context);
            WallClock.await("UNAVAILABLE", PATIENCE, () -> context.state() == TransportState.UNAVAILABLE);
            assertTrue(context.stateDetail().startsWith("BlueZ is not running"), context.stateDetail());
            transport.stop();
            try (FakeBlueZ bluez = new FakeBlueZ(bus.address())) {
                var other = BleTestAccess.onBlueZ("ble", bus.address(), "hci7", 1024);
                RecordingContext c2 = new RecordingContext(clock);
                other.start(c2);
                WallClock.await("UNAVAILABLE", PATIENCE, () -> c2.state() == TransportState.UNAVAILABLE);
                assertTrue(c2.stateDetail().startsWith("no Bluetooth adapter hci7 (BlueZ lists [/org/bluez/hci0])"),
                        c2.stateDetail());
                other.stop();
            }
        }
    }

    private static List<String> flags(Variant<?> v) {
        Object value = v.getValue();
        return value instanceof Object[] a ? Arrays.stream(a).map(String::valueOf).toList()
                : ((List<?>) value).stream().map(String::valueOf).toList();
    }

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * seed + 1);
        }
        return b;
    }
}
