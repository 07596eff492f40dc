package org.sovereignmesh.transport.ble.internal.bluez;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.interfaces.ObjectManager;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.UInt16;
import org.freedesktop.dbus.types.Variant;
import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.transport.ble.internal.BleSettings;
import org.sovereignmesh.transport.ble.internal.GattStack;

/**
 * The BLE transport's GATT stack on BlueZ, over D-Bus (dbus-java, pure Java, AF_UNIX through the JDK).
 *
 * <p>Opening: connects to the system bus (or the configured address), finds the adapter ({@code Adapter1} at
 * {@code /org/bluez/<adapter>} in BlueZ's {@code GetManagedObjects}), powers it on if needed, exports the
 * {@link MeshGattApplication} and registers it with {@code GattManager1.RegisterApplication}, registers the
 * advertisement with {@code LEAdvertisingManager1.RegisterAdvertisement}, and starts LE discovery filtered on the mesh
 * service UUID ({@code SetDiscoveryFilter}, {@code StartDiscovery}); devices that appear ({@code InterfacesAdded})
 * or were known with the mesh UUID are reported as discovered.
 *
 * <p>Central role: {@code Device1.Connect}, wait for {@code ServicesResolved}, find the mesh characteristic among the
 * device's objects, read its {@code MTU} property (BlueZ 5.62 and later; 23 before), {@code StartNotify}; frames go
 * out with {@code WriteValue(value, {type: command})} (write without response) and come in as
 * {@code PropertiesChanged(Value)} signals of the remote characteristic. {@code AcquireWrite}/{@code AcquireNotify}
 * would hand over a socket per direction, but need file-descriptor passing, which the JDK's AF_UNIX channels (and so
 * dbus-java's native transport) do not offer; the method-call path works on every BlueZ since 5.50.
 *
 * <p>Peripheral role: BlueZ calls {@code WriteValue} on the exported characteristic with the writing central's
 * device path and the connection's ATT MTU in the options; notifications go out as {@code PropertiesChanged(Value)}
 * of the exported characteristic, which BlueZ sends to every subscribed central. A central that disconnects shows
 * as {@code Connected = false} on its {@code Device1}.
 *
 * <p>Everything that talks to D-Bus runs on this stack's own threads (blocking calls included); events reach the
 * transport through the node's scheduler. Any failure to reach the bus, BlueZ or the adapter is reported as
 * {@code failed} with the reason.
 */
public final class BluezStack implements GattStack {
    private static final System.Logger LOG = System.getLogger(BluezStack.class.getName());
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Scheduler scheduler;
    private final String busAddress;
    private final String adapter;
    private final String localName;
    private final Duration setupTimeout;
    private final String appRoot;
    private final ExecutorService io;
    private final ExecutorService connector;
    private final Map<String, Central> centrals = new ConcurrentHashMap<>();

    // guarded by this
    private Events events;
    private DBusConnection bus;
    private String adapterPath;
    private MeshGattApplication application;
    private final List<AutoCloseable> handlers = new ArrayList<>();
    private boolean closed;

    /**
     * @param busAddress D-Bus address ({@code unix:path=...}); empty for the system bus
     * @param adapter    adapter name, e.g. {@code hci0}
     */
    public BluezStack(Scheduler scheduler, String busAddress, String adapter, String localName, Duration setupTimeout) {
        this.scheduler = scheduler;
        this.busAddress = busAddress == null ? "" : busAddress;
        this.adapter = adapter;
        this.localName = localName;
        this.setupTimeout = setupTimeout;
        int n = INSTANCES.incrementAndGet();
        this.appRoot = "/org/sovereignmesh/ble" + n;
        this.io = Executors.newSingleThreadExecutor(r -> daemon(r, "mesh-ble-dbus-" + n));
        this.connector = Executors.newCachedThreadPool(r -> daemon(r, "mesh-ble-connect-" + n));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public synchronized void open(Events newEvents) {
        events = newEvents;
        run(this::openOnBus);
    }

    private void openOnBus() {
        try {
            DBusConnection connection = connect();
            synchronized (this) {
                if (closed) {
                    connection.close();
                    return;
                }
                bus = connection;
            }
            String path = findAdapter(connection);
            Properties adapterProps = connection.getRemoteObject(BlueZ.SERVICE, path, Properties.class);
            if (!Boolean.TRUE.equals(adapterProps.Get(BlueZ.ADAPTER, "Powered"))) {
                adapterProps.Set(BlueZ.ADAPTER, "Powered", new Variant<>(Boolean.TRUE));
            }
            String address = String.valueOf((Object) adapterProps.Get(BlueZ.ADAPTER, "Address"));
            MeshGattApplication app = new MeshGattApplication(appRoot, BleSettings.SERVICE_UUID,
                    BleSettings.CHARACTERISTIC_UUID, localName, this::remoteWrote, on -> { });
            synchronized (this) {
                adapterPath = path;
                application = app;
            }
            connection.exportObject(app.getObjectPath(), app);
            connection.exportObject(app.service.getObjectPath(), app.service);
            connection.exportObject(app.characteristic.getObjectPath(), app.characteristic);
            connection.exportObject(app.advertisement.getObjectPath(), app.advertisement);
            watchSignals(connection);
            connection.getRemoteObject(BlueZ.SERVICE, path, BlueZ.GattManager1.class)
                    .RegisterApplication(new DBusPath(app.getObjectPath()), Map.of());
            connection.getRemoteObject(BlueZ.SERVICE, path, BlueZ.LEAdvertisingManager1.class)
                    .RegisterAdvertisement(new DBusPath(app.advertisement.getObjectPath()), Map.of());
            BlueZ.Adapter1 adapter1 = connection.getRemoteObject(BlueZ.SERVICE, path, BlueZ.Adapter1.class);
            adapter1.SetDiscoveryFilter(Map.of("UUIDs", new Variant<>(new String[] {BleSettings.SERVICE_UUID}),
                    "Transport", new Variant<>("le")));
            adapter1.StartDiscovery();
            String detail = "BlueZ " + adapter + " " + address + " via D-Bus "
                    + (busAddress.isEmpty() ? "system bus" : busAddress);
            emit(e -> e.ready(address, detail));
            reportKnownDevices(connection, path);
        } catch (Exception | LinkageError e) {
            String reason = reason(e);
            LOG.log(Level.DEBUG, "BlueZ stack unavailable: {0}", reason);
            emit(ev -> ev.failed(reason));
        }
    }

    private DBusConnection connect() throws IOException {
        String address = busAddress.isEmpty() ? System.getenv().getOrDefault("DBUS_SYSTEM_BUS_ADDRESS",
                "unix:path=/var/run/dbus/system_bus_socket") : busAddress;
        Path socket = socketOf(address);
        if (socket != null && !Files.exists(socket)) {
            throw new IOException("cannot reach D-Bus " + (busAddress.isEmpty() ? "system bus" : "at " + busAddress)
                    + " (BlueZ needs it): no socket at " + socket);
        }
        try {
            return openConnection();
        } catch (Exception | LinkageError e) {
            throw new IOException("cannot reach D-Bus " + (busAddress.isEmpty() ? "system bus" : "at " + busAddress)
                    + " (BlueZ needs it): " + reason(e), e);
        }
    }

    private DBusConnection openConnection() throws Exception {
        DBusConnectionBuilder builder = busAddress.isEmpty() ? DBusConnectionBuilder.forSystemBus()
                : DBusConnectionBuilder.forAddress(busAddress);
        builder.transportConfig().withServiceLoaderClassLoader(BluezStack.class.getClassLoader())
                .configureSasl().withSaslUid(ownUid()).back();
        return builder.withShared(false).build();
    }

    /** @return the socket file of a {@code unix:path=...} D-Bus address, or {@code null} for other kinds */
    static Path socketOf(String address) {
        for (String part : address.split(";")) {
            if (part.startsWith("unix:")) {
                for (String kv : part.substring(5).split(",")) {
                    if (kv.startsWith("path=")) {
                        return Path.of(kv.substring(5));
                    }
                }
            }
        }
        return null;
    }

    /** The user id for D-Bus EXTERNAL authentication, read from /proc without JDK-internal classes. */
    private static Long ownUid() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }

    private String findAdapter(DBusConnection connection) throws Exception {
        Map<DBusPath, Map<String, Map<String, Variant<?>>>> objects;
        try {
            objects = connection.getRemoteObject(BlueZ.SERVICE, "/", ObjectManager.class).GetManagedObjects();
        } catch (RuntimeException e) {
            throw new IOException("BlueZ is not running (no " + BlueZ.SERVICE + " on the bus): " + reason(e), e);
        }
        List<String> adapters = new ArrayList<>();
        for (Map.Entry<DBusPath, Map<String, Map<String, Variant<?>>>> o : objects.entrySet()) {
            if (o.getValue().containsKey(BlueZ.ADAPTER)) {
                adapters.add(o.getKey().getPath());
                if (o.getKey().getPath().endsWith("/" + adapter)) {
                    return o.getKey().getPath();
                }
            }
        }
        throw new IOException("no Bluetooth adapter " + adapter + (adapters.isEmpty() ? " (BlueZ lists none)"
                : " (BlueZ lists " + adapters + ")"));
    }

    private void reportKnownDevices(DBusConnection connection, String path) throws Exception {
        Map<DBusPath, Map<String, Map<String, Variant<?>>>> objects = connection
                .getRemoteObject(BlueZ.SERVICE, "/", ObjectManager.class).GetManagedObjects();
        for (Map.Entry<DBusPath, Map<String, Map<String, Variant<?>>>> o : objects.entrySet()) {
            Map<String, Variant<?>> device = o.getValue().get(BlueZ.DEVICE);
            if (device != null && o.getKey().getPath().startsWith(path + "/") && advertisesMesh(device)) {
                String address = BlueZ.addressOf(o.getKey().getPath());
                if (address != null) {
                    emit(e -> e.discovered(address));
                }
            }
        }
    }

    private static boolean advertisesMesh(Map<String, Variant<?>> device) {
        Variant<?> uuids = device.get("UUIDs");
        if (uuids == null) {
            return false;
        }
        Object v = uuids.getValue();
        List<?> list = v instanceof Object[] a ? List.of(a) : v instanceof List<?> l ? l : List.of();
        return list.stream().anyMatch(u -> BleSettings.SERVICE_UUID.equalsIgnoreCase(String.valueOf(u)));
    }

    private void watchSignals(DBusConnection connection) throws Exception {
        AutoCloseable added = connection.addSigHandler(ObjectManager.InterfacesAdded.class, signal -> {
            Map<String, Variant<?>> device = signal.getInterfaces().get(BlueZ.DEVICE);
            String path = signal.getSignalSource().getPath();
            if (device != null && advertisesMesh(device)) {
                String address = BlueZ.addressOf(path);
                if (address != null) {
                    emit(e -> e.discovered(address));
                }
            }
        });
        AutoCloseable changed = connection.addSigHandler(Properties.PropertiesChanged.class, this::propertiesChanged);
        synchronized (this) {
            handlers.add(added);
            handlers.add(changed);
        }
    }

    private void propertiesChanged(Properties.PropertiesChanged signal) {
        String path = signal.getPath();
        if (BlueZ.GATT_CHARACTERISTIC.equals(signal.getInterfaceName())) {
            Variant<?> value = signal.getPropertiesChanged().get("Value");
            byte[] bytes = value == null ? null : BlueZ.bytes(value.getValue());
            for (Central c : centrals.values()) {
                if (path.equals(c.characteristicPath) && bytes != null) {
                    c.notifications.notified(bytes);
                }
            }
        } else if (BlueZ.DEVICE.equals(signal.getInterfaceName())) {
            Variant<?> connected = signal.getPropertiesChanged().get("Connected");
            if (connected != null && Boolean.FALSE.equals(connected.getValue())) {
                String address = BlueZ.addressOf(path);
                if (address != null) {
                    Central c = centrals.remove(address);
                    if (c != null) {
                        c.notifications.disconnected(address + " disconnected");
                    }
                    emit(e -> e.centralGone(address));
                }
            }
        }
    }

    private void remoteWrote(MeshGattApplication.Write write) {
        String address = BlueZ.addressOf(write.devicePath());
        if (address == null) {
            LOG.log(Level.DEBUG, "write without a device path ignored: {0}", write.devicePath());
            return;
        }
        emit(e -> e.written(address, write.value(), write.attMtu()));
    }

    // ------------------------------------------------------------------ central role

    @Override
    public CompletionStage<Connection> connect(String address, Notifications notifications) {
        CompletableFuture<Connection> result = new CompletableFuture<>();
        DBusConnection connection;
        String path;
        synchronized (this) {
            connection = bus;
            path = adapterPath;
        }
        if (connection == null || path == null) {
            return CompletableFuture.failedFuture(new TransportException("BlueZ stack is not open"));
        }
        try {
            connector.execute(() -> {
                try {
                    result.complete(openCentral(connection, path, address, notifications));
                } catch (Exception | LinkageError e) {
                    result.completeExceptionally(new TransportException("BLE connect to " + address + ": " + reason(e),
                            e));
                }
            });
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new TransportException("BlueZ stack is closed"));
        }
        return result;
    }

    private Connection openCentral(DBusConnection connection, String adapterPath, String address,
            Notifications notifications) throws Exception {
        String devicePath = BlueZ.devicePath(adapterPath, address);
        connection.getRemoteObject(BlueZ.SERVICE, devicePath, BlueZ.Device1.class).Connect();
        Properties deviceProps = connection.getRemoteObject(BlueZ.SERVICE, devicePath, Properties.class);
        long deadline = System.nanoTime() + setupTimeout.toNanos();
        while (!Boolean.TRUE.equals(deviceProps.Get(BlueZ.DEVICE, "ServicesResolved"))) {
            if (System.nanoTime() > deadline) {
                throw new IOException("services of " + address + " not resolved within " + setupTimeout.toSeconds()
                        + " s");
            }
            Thread.sleep(50);
        }
        String characteristicPath = null;
        Map<DBusPath, Map<String, Map<String, Variant<?>>>> objects = connection
                .getRemoteObject(BlueZ.SERVICE, "/", ObjectManager.class).GetManagedObjects();
        for (Map.Entry<DBusPath, Map<String, Map<String, Variant<?>>>> o : objects.entrySet()) {
            Map<String, Variant<?>> c = o.getValue().get(BlueZ.GATT_CHARACTERISTIC);
            if (c != null && o.getKey().getPath().startsWith(devicePath + "/") && c.get("UUID") != null
                    && BleSettings.CHARACTERISTIC_UUID.equalsIgnoreCase(String.valueOf(c.get("UUID").getValue()))) {
                characteristicPath = o.getKey().getPath();
            }
        }
        if (characteristicPath == null) {
            throw new IOException(address + " has no mesh characteristic " + BleSettings.CHARACTERISTIC_UUID);
        }
        int attMtu = 23;
        Properties charProps = connection.getRemoteObject(BlueZ.SERVICE, characteristicPath, Properties.class);
        try {
            Object mtu = charProps.Get(BlueZ.GATT_CHARACTERISTIC, "MTU");
            if (mtu instanceof Number n) {
                attMtu = n.intValue();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "no MTU property on {0} (BlueZ before 5.62): ATT MTU 23", characteristicPath);
        }
        BlueZ.GattCharacteristic1 characteristic = connection.getRemoteObject(BlueZ.SERVICE, characteristicPath,
                BlueZ.GattCharacteristic1.class);
        Central central = new Central(address, devicePath, characteristicPath, characteristic, attMtu, notifications,
                connection);
        centrals.put(address, central);
        characteristic.StartNotify();
        return central;
    }

    private final class Central implements Connection {
        final String address;
        final String devicePath;
        final String characteristicPath;
        final BlueZ.GattCharacteristic1 characteristic;
        final int attMtu;
        final Notifications notifications;
        final DBusConnection connection;

        Central(String address, String devicePath, String characteristicPath, BlueZ.GattCharacteristic1 characteristic,
                int attMtu, Notifications notifications, DBusConnection connection) {
            this.address = address;
            this.devicePath = devicePath;
            this.characteristicPath = characteristicPath;
            this.characteristic = characteristic;
            this.attMtu = attMtu;
            this.notifications = notifications;
            this.connection = connection;
        }

        @Override
        public int attMtu() {
            return attMtu;
        }

        @Override
        public CompletionStage<Void> write(byte[] value) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            if (value.length > attMtu - 3) {
                return CompletableFuture.failedFuture(new TransportException("ATT value of " + value.length
                        + " bytes exceeds ATT_MTU - 3 = " + (attMtu - 3)));
            }
            if (!run(() -> {
                try {
                    characteristic.WriteValue(value, Map.of("type", new Variant<>("command")));
                    done.complete(null);
                } catch (RuntimeException e) {
                    done.completeExceptionally(new TransportException("WriteValue to " + address + ": " + reason(e),
                            e));
                }
            })) {
                done.completeExceptionally(new TransportException("BlueZ stack is closed"));
            }
            return done;
        }

        @Override
        public void disconnect() {
            if (centrals.remove(address, this)) {
                run(() -> {
                    try {
                        characteristic.StopNotify();
                        connection.getRemoteObject(BlueZ.SERVICE, devicePath, BlueZ.Device1.class).Disconnect();
                    } catch (Exception e) {
                        LOG.log(Level.DEBUG, "disconnecting {0}: {1}", address, reason(e));
                    }
                });
            }
        }
    }

    // ------------------------------------------------------------------ peripheral role

    @Override
    public CompletionStage<Void> notifyCentrals(byte[] value) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        MeshGattApplication app;
        DBusConnection connection;
        synchronized (this) {
            app = application;
            connection = bus;
        }
        if (app == null || connection == null) {
            return CompletableFuture.failedFuture(new TransportException("BlueZ stack is not open"));
        }
        if (!run(() -> {
            try {
                connection.sendMessage(new Properties.PropertiesChanged(app.characteristic.getObjectPath(),
                        BlueZ.GATT_CHARACTERISTIC, Map.of("Value", new Variant<>(value)), List.of()));
                done.complete(null);
            } catch (Exception e) {
                done.completeExceptionally(new TransportException("notification failed: " + reason(e), e));
            }
        })) {
            done.completeExceptionally(new TransportException("BlueZ stack is closed"));
        }
        return done;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            events = null;
        }
        for (Central c : new ArrayList<>(centrals.values())) {
            c.disconnect();
        }
        run(this::closeOnBus);
        io.shutdown();
        connector.shutdownNow();
    }

    private void closeOnBus() {
        DBusConnection connection;
        String path;
        MeshGattApplication app;
        List<AutoCloseable> old;
        synchronized (this) {
            connection = bus;
            path = adapterPath;
            app = application;
            old = new ArrayList<>(handlers);
            handlers.clear();
            bus = null;
        }
        if (connection == null) {
            return;
        }
        for (AutoCloseable h : old) {
            try {
                h.close();
            } catch (Exception e) {
                LOG.log(Level.DEBUG, "removing a signal handler: {0}", reason(e));
            }
        }
        if (path != null && app != null) {
            try {
                connection.getRemoteObject(BlueZ.SERVICE, path, BlueZ.Adapter1.class).StopDiscovery();
            } catch (Exception e) {
                LOG.log(Level.DEBUG, "StopDiscovery: {0}", reason(e));
            }
            try {
                connection.getRemoteObject(BlueZ.SERVICE, path, BlueZ.LEAdvertisingManager1.class)
                        .UnregisterAdvertisement(new DBusPath(app.advertisement.getObjectPath()));
                connection.getRemoteObject(BlueZ.SERVICE, path, BlueZ.GattManager1.class)
                        .UnregisterApplication(new DBusPath(app.getObjectPath()));
            } catch (Exception e) {
                LOG.log(Level.DEBUG, "unregistering from BlueZ: {0}", reason(e));
            }
        }
        try {
            connection.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing the D-Bus connection: {0}", reason(e));
        }
    }

    @Override
    public String describe() {
        return "BlueZ " + adapter + " via D-Bus " + (busAddress.isEmpty() ? "system bus" : busAddress);
    }

    private boolean run(Runnable task) {
        try {
            io.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private void emit(java.util.function.Consumer<Events> event) {
        Events current;
        synchronized (this) {
            current = events;
        }
        if (current != null) {
            scheduler.execute(() -> {
                Events stillCurrent;
                synchronized (this) {
                    stillCurrent = events;
                }
                if (stillCurrent != null) {
                    event.accept(stillCurrent);
                }
            });
        }
    }

    static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t.getMessage().isBlank())) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
