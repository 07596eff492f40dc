package org.sovereignmesh.transport.ble.internal.bluez;

import java.util.Map;

import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.annotations.MethodNoReply;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.types.Variant;

/**
 * The BlueZ D-Bus interfaces the BLE transport uses, as BlueZ documents them (doc/org.bluez.Adapter.rst,
 * org.bluez.Device.rst, org.bluez.GattManager.rst, org.bluez.GattService.rst, org.bluez.GattCharacteristic.rst,
 * org.bluez.LEAdvertisingManager.rst, org.bluez.LEAdvertisement.rst; BlueZ 5.50 and later). Service
 * {@code org.bluez}; the adapter at {@code /org/bluez/hci0}, devices at {@code /org/bluez/hci0/dev_XX_XX_XX_XX_XX_XX}.
 * Properties are read and watched through {@code org.freedesktop.DBus.Properties}.
 */
public final class BlueZ {
    public static final String SERVICE = "org.bluez";
    public static final String ADAPTER = "org.bluez.Adapter1";
    public static final String DEVICE = "org.bluez.Device1";
    public static final String GATT_MANAGER = "org.bluez.GattManager1";
    public static final String GATT_SERVICE = "org.bluez.GattService1";
    public static final String GATT_CHARACTERISTIC = "org.bluez.GattCharacteristic1";
    public static final String ADVERTISING_MANAGER = "org.bluez.LEAdvertisingManager1";
    public static final String ADVERTISEMENT = "org.bluez.LEAdvertisement1";

    private BlueZ() {
    }

    /** {@code /org/bluez/hci0/dev_00_1A_7D_DA_71_13} for adapter path and address {@code 00:1a:7d:da:71:13}. */
    public static String devicePath(String adapterPath, String address) {
        return adapterPath + "/dev_" + address.toUpperCase(java.util.Locale.ROOT).replace(':', '_');
    }

    /** @return the address of a device path, lower case; {@code null} if it is none */
    public static String addressOf(String devicePath) {
        int at = devicePath.lastIndexOf("/dev_");
        if (at < 0) {
            return null;
        }
        String tail = devicePath.substring(at + 5);
        int end = tail.indexOf('/');
        String mac = (end < 0 ? tail : tail.substring(0, end)).replace('_', ':').toLowerCase(java.util.Locale.ROOT);
        return mac.matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}") ? mac : null;
    }

    /**
     * @return the bytes of an {@code ay} value, which dbus-java hands over as {@code byte[]} or, inside variants of
     *         received signals, as a list of {@code Byte}; {@code null} for anything else
     */
    public static byte[] bytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        if (value instanceof java.util.List<?> list) {
            byte[] out = new byte[list.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(list.get(i) instanceof Number n)) {
                    return null;
                }
                out[i] = n.byteValue();
            }
            return out;
        }
        return null;
    }

    @DBusInterfaceName(ADAPTER)
    public interface Adapter1 extends DBusInterface {
        void StartDiscovery();

        void StopDiscovery();

        void SetDiscoveryFilter(Map<String, Variant<?>> filter);
    }

    @DBusInterfaceName(DEVICE)
    public interface Device1 extends DBusInterface {
        void Connect();

        void Disconnect();
    }

    @DBusInterfaceName(GATT_MANAGER)
    public interface GattManager1 extends DBusInterface {
        void RegisterApplication(DBusPath application, Map<String, Variant<?>> options);

        void UnregisterApplication(DBusPath application);
    }

    @DBusInterfaceName(ADVERTISING_MANAGER)
    public interface LEAdvertisingManager1 extends DBusInterface {
        void RegisterAdvertisement(DBusPath advertisement, Map<String, Variant<?>> options);

        void UnregisterAdvertisement(DBusPath advertisement);
    }

    /** Served by the application (properties only); listed in its ObjectManager. */
    @DBusInterfaceName(GATT_SERVICE)
    public interface GattService1 extends DBusInterface {
    }

    /** Served by the application for its characteristic, and called on remote devices' characteristics. */
    @DBusInterfaceName(GATT_CHARACTERISTIC)
    public interface GattCharacteristic1 extends DBusInterface {
        byte[] ReadValue(Map<String, Variant<?>> options);

        void WriteValue(byte[] value, Map<String, Variant<?>> options);

        void StartNotify();

        void StopNotify();
    }

    @DBusInterfaceName(ADVERTISEMENT)
    public interface LEAdvertisement1 extends DBusInterface {
        @MethodNoReply
        void Release();
    }
}
