package org.sovereignmesh.transport.ble.internal.bluez;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.interfaces.ObjectManager;
import org.freedesktop.dbus.types.UInt16;
import org.freedesktop.dbus.types.Variant;

/**
 * The GATT application this node registers with {@code GattManager1.RegisterApplication}: an ObjectManager at
 * {@code <root>} listing one primary service {@code <root>/service0} (the mesh service UUID) with one characteristic
 * {@code <root>/service0/char0} (the frame characteristic UUID, flags {@code write-without-response} and
 * {@code notify}), and the advertisement at {@code <root>/advertisement0} (a connectable peripheral advertising the
 * service UUID) registered with {@code LEAdvertisingManager1.RegisterAdvertisement}. BlueZ calls
 * {@link FrameCharacteristic#WriteValue} for every write of a remote central, with its device path and the
 * connection's ATT MTU in the options.
 */
final class MeshGattApplication implements ObjectManager {
    private final String root;
    final MeshService service;
    final FrameCharacteristic characteristic;
    final MeshAdvertisement advertisement;

    /** What a write from a remote central carries. */
    record Write(String devicePath, byte[] value, int attMtu) {
    }

    MeshGattApplication(String root, String serviceUuid, String characteristicUuid, String localName,
            Consumer<Write> writes, Consumer<Boolean> notifying) {
        this.root = root;
        this.service = new MeshService(root + "/service0", serviceUuid);
        this.characteristic = new FrameCharacteristic(root + "/service0/char0", characteristicUuid,
                root + "/service0", writes, notifying);
        this.advertisement = new MeshAdvertisement(root + "/advertisement0", serviceUuid, localName);
    }

    @Override
    public String getObjectPath() {
        return root;
    }

    @Override
    public Map<DBusPath, Map<String, Map<String, Variant<?>>>> GetManagedObjects() {
        Map<DBusPath, Map<String, Map<String, Variant<?>>>> objects = new HashMap<>();
        objects.put(new DBusPath(service.getObjectPath()), Map.of(BlueZ.GATT_SERVICE, service.properties()));
        objects.put(new DBusPath(characteristic.getObjectPath()),
                Map.of(BlueZ.GATT_CHARACTERISTIC, characteristic.properties()));
        return objects;
    }

    static final class MeshService extends ExportedObject implements BlueZ.GattService1 {
        private final String uuid;

        MeshService(String path, String uuid) {
            super(path, BlueZ.GATT_SERVICE);
            this.uuid = uuid;
        }

        @Override
        Map<String, Variant<?>> properties() {
            Map<String, Variant<?>> p = new HashMap<>();
            p.put("UUID", new Variant<>(uuid));
            p.put("Primary", new Variant<>(Boolean.TRUE));
            return p;
        }
    }

    static final class FrameCharacteristic extends ExportedObject implements BlueZ.GattCharacteristic1 {
        private final String uuid;
        private final String servicePath;
        private final Consumer<Write> writes;
        private final Consumer<Boolean> notifying;
        private volatile boolean notifyOn;

        FrameCharacteristic(String path, String uuid, String servicePath, Consumer<Write> writes,
                Consumer<Boolean> notifying) {
            super(path, BlueZ.GATT_CHARACTERISTIC);
            this.uuid = uuid;
            this.servicePath = servicePath;
            this.writes = writes;
            this.notifying = notifying;
        }

        @Override
        Map<String, Variant<?>> properties() {
            Map<String, Variant<?>> p = new HashMap<>();
            p.put("UUID", new Variant<>(uuid));
            p.put("Service", new Variant<>(new DBusPath(servicePath)));
            p.put("Flags", strings(List.of("write-without-response", "notify")));
            p.put("Notifying", new Variant<>(notifyOn));
            return p;
        }

        @Override
        public byte[] ReadValue(Map<String, Variant<?>> options) {
            throw new org.freedesktop.dbus.exceptions.DBusExecutionException("the mesh characteristic is not readable");
        }

        @Override
        public void WriteValue(byte[] value, Map<String, Variant<?>> options) {
            Variant<?> device = options.get("device");
            Variant<?> mtu = options.get("mtu");
            String devicePath = device != null && device.getValue() instanceof DBusPath p ? p.getPath()
                    : device != null ? String.valueOf(device.getValue()) : "";
            int attMtu = mtu != null && mtu.getValue() instanceof UInt16 u ? u.intValue()
                    : mtu != null && mtu.getValue() instanceof Number n ? n.intValue() : 23;
            writes.accept(new Write(devicePath, value, attMtu));
        }

        @Override
        public void StartNotify() {
            notifyOn = true;
            notifying.accept(Boolean.TRUE);
        }

        @Override
        public void StopNotify() {
            notifyOn = false;
            notifying.accept(Boolean.FALSE);
        }
    }

    static final class MeshAdvertisement extends ExportedObject implements BlueZ.LEAdvertisement1 {
        private final String serviceUuid;
        private final String localName;

        MeshAdvertisement(String path, String serviceUuid, String localName) {
            super(path, BlueZ.ADVERTISEMENT);
            this.serviceUuid = serviceUuid;
            this.localName = localName;
        }

        @Override
        Map<String, Variant<?>> properties() {
            Map<String, Variant<?>> p = new HashMap<>();
            p.put("Type", new Variant<>("peripheral"));
            p.put("ServiceUUIDs", strings(List.of(serviceUuid)));
            p.put("LocalName", new Variant<>(localName));
            p.put("Discoverable", new Variant<>(Boolean.TRUE));
            return p;
        }

        @Override
        public void Release() {
            // BlueZ dropped the advertisement (adapter powered off or removed); the adapter's failure follows
            System.getLogger(MeshGattApplication.class.getName()).log(System.Logger.Level.INFO,
                    "BlueZ released advertisement {0}", getObjectPath());
        }
    }
}
