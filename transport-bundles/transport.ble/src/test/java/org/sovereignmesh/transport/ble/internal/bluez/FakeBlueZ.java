package org.sovereignmesh.transport.ble.internal.bluez;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.base.AbstractConnectionBase;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.interfaces.ObjectManager;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.UInt16;
import org.freedesktop.dbus.types.Variant;

/**
 * A stand-in for bluetoothd on a private bus, written from BlueZ's D-Bus API documents: owns {@code org.bluez}, serves
 * {@code /} (ObjectManager), the adapter {@code /org/bluez/hci0} (Adapter1, GattManager1, LEAdvertisingManager1 and
 * its properties), and one remote peripheral {@code dev_02_00_00_00_00_02} whose mesh characteristic records writes
 * and can notify. It records every call so the test can check what the transport asked of BlueZ, and it can act as a
 * remote central calling the transport's exported characteristic.
 */
final class FakeBlueZ implements AutoCloseable {
    static final String ADAPTER = "/org/bluez/hci0";
    static final String ADAPTER_ADDRESS = "02:00:00:00:00:01";
    static final String PEER = "02:00:00:00:00:02";
    static final String PEER_PATH = ADAPTER + "/dev_02_00_00_00_00_02";
    static final String PEER_CHAR = PEER_PATH + "/service000a/char000b";

    final DBusConnection bus;
    final List<String> calls = new CopyOnWriteArrayList<>();
    final BlockingQueue<byte[]> peerWrites = new LinkedBlockingQueue<>();
    final Map<String, String> registrations = new ConcurrentHashMap<>();
    volatile Map<String, Variant<?>> discoveryFilter = Map.of();
    volatile boolean peerConnected;
    volatile java.util.function.Consumer<byte[]> onPeerWrite = v -> { };

    FakeBlueZ(String address) throws Exception {
        bus = DBusConnectionBuilder.forAddress(address).withShared(false).build();
        bus.requestBusName("org.bluez");
        bus.exportObject("/", new Root());
        bus.exportObject(ADAPTER, new Adapter());
        bus.exportObject(PEER_PATH, new Device());
        bus.exportObject(PEER_CHAR, new PeerCharacteristic());
    }

    /** The remote peripheral notifies {@code value} on its mesh characteristic. */
    void peerNotifies(byte[] value) throws Exception {
        bus.sendMessage(new Properties.PropertiesChanged(PEER_CHAR, BlueZ.GATT_CHARACTERISTIC,
                Map.of("Value", new Variant<>(value)), List.of()));
    }

    /** A device appears in discovery. */
    void deviceFound(String address, String uuid) throws Exception {
        String path = BlueZ.devicePath(ADAPTER, address);
        bus.sendMessage(new ObjectManager.InterfacesAdded("/", new DBusPath(path), Map.of(BlueZ.DEVICE,
                Map.of("Address", new Variant<>(address), "UUIDs", new Variant<>(new String[] {uuid})))));
    }

    /** A remote central's connection goes away. */
    void centralDisconnects(String address) throws Exception {
        bus.sendMessage(new Properties.PropertiesChanged(BlueZ.devicePath(ADAPTER, address), BlueZ.DEVICE,
                Map.of("Connected", new Variant<>(Boolean.FALSE)), List.of()));
    }

    @Override
    public void close() throws Exception {
        bus.close();
    }

    private final class Root implements ObjectManager {
        @Override
        public String getObjectPath() {
            return "/";
        }

        @Override
        public Map<DBusPath, Map<String, Map<String, Variant<?>>>> GetManagedObjects() {
            Map<DBusPath, Map<String, Map<String, Variant<?>>>> objects = new HashMap<>();
            objects.put(new DBusPath(ADAPTER), Map.of(BlueZ.ADAPTER, adapterProperties(), BlueZ.GATT_MANAGER,
                    Map.of(), BlueZ.ADVERTISING_MANAGER, Map.of()));
            objects.put(new DBusPath(PEER_PATH), Map.of(BlueZ.DEVICE, deviceProperties()));
            objects.put(new DBusPath(PEER_PATH + "/service000a"), Map.of(BlueZ.GATT_SERVICE, Map.of(
                    "UUID", new Variant<>(org.sovereignmesh.transport.ble.internal.BleSettings.SERVICE_UUID),
                    "Primary", new Variant<>(Boolean.TRUE))));
            objects.put(new DBusPath(PEER_CHAR), Map.of(BlueZ.GATT_CHARACTERISTIC, characteristicProperties()));
            return objects;
        }
    }

    static Map<String, Variant<?>> adapterProperties() {
        return Map.of("Address", new Variant<>(ADAPTER_ADDRESS), "Powered", new Variant<>(Boolean.TRUE),
                "Name", new Variant<>("fake"));
    }

    Map<String, Variant<?>> deviceProperties() {
        return Map.of("Address", new Variant<>(PEER), "Connected", new Variant<>(peerConnected),
                "ServicesResolved", new Variant<>(peerConnected), "UUIDs", new Variant<>(new String[] {
                    org.sovereignmesh.transport.ble.internal.BleSettings.SERVICE_UUID}));
    }

    static Map<String, Variant<?>> characteristicProperties() {
        return Map.of("UUID", new Variant<>(org.sovereignmesh.transport.ble.internal.BleSettings.CHARACTERISTIC_UUID),
                "Service", new Variant<>(new DBusPath(PEER_PATH + "/service000a")), "MTU", new Variant<>(new UInt16(185)),
                "Flags", new Variant<>(new String[] {"write-without-response", "notify"}));
    }

    private abstract static class Props implements Properties {
        abstract Map<String, Variant<?>> all(String iface);

        @Override
        public Map<String, Variant<?>> GetAll(String iface) {
            return all(iface);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <A> A Get(String iface, String property) {
            Variant<?> v = all(iface).get(property);
            if (v == null) {
                throw new org.freedesktop.dbus.exceptions.DBusExecutionException("no " + property);
            }
            return (A) v.getValue();
        }

        @Override
        public <A> void Set(String iface, String property, A value) {
        }
    }

    private final class Adapter extends Props implements BlueZ.Adapter1, BlueZ.GattManager1,
            BlueZ.LEAdvertisingManager1 {
        @Override
        public String getObjectPath() {
            return ADAPTER;
        }

        @Override
        Map<String, Variant<?>> all(String iface) {
            return adapterProperties();
        }

        @Override
        public void StartDiscovery() {
            calls.add("StartDiscovery");
        }

        @Override
        public void StopDiscovery() {
            calls.add("StopDiscovery");
        }

        @Override
        public void SetDiscoveryFilter(Map<String, Variant<?>> filter) {
            discoveryFilter = filter;
            calls.add("SetDiscoveryFilter");
        }

        @Override
        public void RegisterApplication(DBusPath application, Map<String, Variant<?>> options) {
            registrations.put("application", AbstractConnectionBase.getCallInfo().getSource() + " "
                    + application.getPath());
            calls.add("RegisterApplication");
        }

        @Override
        public void UnregisterApplication(DBusPath application) {
            calls.add("UnregisterApplication");
        }

        @Override
        public void RegisterAdvertisement(DBusPath advertisement, Map<String, Variant<?>> options) {
            registrations.put("advertisement", AbstractConnectionBase.getCallInfo().getSource() + " "
                    + advertisement.getPath());
            calls.add("RegisterAdvertisement");
        }

        @Override
        public void UnregisterAdvertisement(DBusPath advertisement) {
            calls.add("UnregisterAdvertisement");
        }
    }

    private final class Device extends Props implements BlueZ.Device1 {
        @Override
        public String getObjectPath() {
            return PEER_PATH;
        }

        @Override
        Map<String, Variant<?>> all(String iface) {
            return deviceProperties();
        }

        @Override
        public void Connect() {
            peerConnected = true;
            calls.add("Connect " + PEER);
        }

        @Override
        public void Disconnect() {
            peerConnected = false;
            calls.add("Disconnect " + PEER);
        }
    }

    private final class PeerCharacteristic extends Props implements BlueZ.GattCharacteristic1 {
        @Override
        public String getObjectPath() {
            return PEER_CHAR;
        }

        @Override
        Map<String, Variant<?>> all(String iface) {
            return characteristicProperties();
        }

        @Override
        public byte[] ReadValue(Map<String, Variant<?>> options) {
            return new byte[0];
        }

        @Override
        public void WriteValue(byte[] value, Map<String, Variant<?>> options) {
            Variant<?> type = options.get("type");
            calls.add("WriteValue type=" + (type == null ? "" : type.getValue()));
            peerWrites.add(value);
            onPeerWrite.accept(value);
        }

        @Override
        public void StartNotify() {
            calls.add("StartNotify " + PEER);
        }

        @Override
        public void StopNotify() {
            calls.add("StopNotify " + PEER);
        }
    }
}
