package org.sovereignmesh.transport.ble.internal.bluez;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;

/** An object this node exports to BlueZ: its path, and its properties for one interface. */
abstract class ExportedObject implements Properties {
    private final String path;
    private final String interfaceName;

    ExportedObject(String path, String interfaceName) {
        this.path = path;
        this.interfaceName = interfaceName;
    }

    @Override
    public String getObjectPath() {
        return path;
    }

    String interfaceName() {
        return interfaceName;
    }

    /** @return the interface's properties, as GetAll and GetManagedObjects report them */
    abstract Map<String, Variant<?>> properties();

    @Override
    public Map<String, Variant<?>> GetAll(String iface) {
        return interfaceName.equals(iface) ? properties() : new HashMap<>();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A> A Get(String iface, String property) {
        Variant<?> v = GetAll(iface).get(property);
        if (v == null) {
            throw new org.freedesktop.dbus.exceptions.DBusExecutionException("no property " + property + " on "
                    + iface);
        }
        return (A) v.getValue();
    }

    @Override
    public <A> void Set(String iface, String property, A value) {
        throw new org.freedesktop.dbus.exceptions.DBusExecutionException("property " + property + " is read-only");
    }

    static Variant<String[]> strings(List<String> values) {
        return new Variant<>(values.toArray(new String[0]));
    }
}
