package org.sovereignmesh.transport.ble.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.TransportException;

/**
 * Bluetooth LE in memory, on a {@link Scheduler}: GATT peers that advertise the mesh service, scan, connect as
 * central, exchange the ATT MTU (the smaller of both ends' offers, as the ATT Exchange MTU procedure gives), write
 * without response and notify, with BlueZ's semantics: a peripheral's notification reaches every central connected
 * to it, cut to that connection's ATT MTU - 3. Each direction of a connection carries one value at a time: a value
 * of n bytes occupies it for {@code (n + 7) * 8 / bitrate} (ATT and L2CAP headers included) and arrives one latency
 * later, in order. A station that leaves is seen as a disconnection by its peers one latency later (a supervision
 * timeout). For tests and the simulator. Thread-safe; everything is delivered through the scheduler.
 */
public final class SimBleMedium {
    private final Scheduler scheduler;
    private final long bitrate;
    private final Duration latency;
    private final Map<String, Station> open = new LinkedHashMap<>();
    private final List<SimConnection> connections = new ArrayList<>();

    /**
     * @param bitrate bits per second each direction of a connection carries
     * @param latency one-way delay of a value (about a connection interval)
     */
    public SimBleMedium(Scheduler scheduler, long bitrate, Duration latency) {
        this.scheduler = scheduler;
        this.bitrate = bitrate;
        this.latency = latency;
    }

    long bitrate() {
        return bitrate;
    }

    Duration latency() {
        return latency;
    }

    /** @return a station with BD_ADDR {@code address} offering {@code attMtu} in the MTU exchange */
    GattStack station(String address, int attMtu) {
        return new Station(address.toLowerCase(Locale.ROOT), attMtu);
    }

    private long airtimeNanos(int bytes) {
        return (bytes + 7L) * 8 * 1_000_000_000L / bitrate;
    }

    private void later(Runnable task, long nanos) {
        scheduler.schedule(task, Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    private final class SimConnection implements GattStack.Connection {
        final Station central;
        final Station peripheral;
        final GattStack.Notifications notifications;
        final int attMtu;
        long upBusyUntil;
        long downBusyUntil;
        boolean up = true;

        SimConnection(Station central, Station peripheral, GattStack.Notifications notifications) {
            this.central = central;
            this.peripheral = peripheral;
            this.notifications = notifications;
            this.attMtu = Math.min(central.attMtu, peripheral.attMtu);
        }

        @Override
        public int attMtu() {
            return attMtu;
        }

        @Override
        public CompletionStage<Void> write(byte[] value) {
            long sentAt;
            synchronized (SimBleMedium.this) {
                if (!up) {
                    return CompletableFuture.failedFuture(new TransportException("not connected to "
                            + peripheral.address));
                }
                if (value.length > attMtu - 3) {
                    return CompletableFuture.failedFuture(new TransportException("ATT value of " + value.length
                            + " bytes exceeds ATT_MTU - 3 = " + (attMtu - 3)));
                }
                long now = scheduler.nanoTime();
                sentAt = Math.max(now, upBusyUntil) + airtimeNanos(value.length);
                upBusyUntil = sentAt;
            }
            byte[] copy = value.clone();
            CompletableFuture<Void> done = new CompletableFuture<>();
            long now = scheduler.nanoTime();
            later(() -> done.complete(null), sentAt - now);
            later(() -> peripheral.deliverWrite(central.address, copy, attMtu), sentAt - now + latency.toNanos());
            return done;
        }

        /** @return when this notification has left */
        long notifyCentral(byte[] value) {
            long sentAt;
            byte[] cut = value.length > attMtu - 3 ? java.util.Arrays.copyOf(value, attMtu - 3) : value.clone();
            synchronized (SimBleMedium.this) {
                long now = scheduler.nanoTime();
                sentAt = Math.max(now, downBusyUntil) + airtimeNanos(cut.length);
                downBusyUntil = sentAt;
            }
            later(() -> {
                synchronized (SimBleMedium.this) {
                    if (!central.isOpen()) {
                        return;
                    }
                }
                notifications.notified(cut);
            }, sentAt - scheduler.nanoTime() + latency.toNanos());
            return sentAt;
        }

        @Override
        public void disconnect() {
            synchronized (SimBleMedium.this) {
                if (!up) {
                    return;
                }
                up = false;
                connections.remove(this);
            }
            later(() -> peripheral.deliverCentralGone(central.address), latency.toNanos());
        }

        /** The peripheral left: the central hears of it after a supervision timeout. */
        void peripheralLeft() {
            synchronized (SimBleMedium.this) {
                if (!up) {
                    return;
                }
                up = false;
                connections.remove(this);
            }
            later(() -> notifications.disconnected("supervision timeout: " + peripheral.address + " is gone"),
                    latency.toNanos());
        }
    }

    private final class Station implements GattStack {
        final String address;
        final int attMtu;
        // guarded by SimBleMedium.this
        Events events;

        Station(String address, int attMtu) {
            this.address = address;
            this.attMtu = attMtu;
        }

        boolean isOpen() {
            return events != null;
        }

        @Override
        public void open(Events newEvents) {
            List<Station> others;
            synchronized (SimBleMedium.this) {
                if (open.containsKey(address)) {
                    scheduler.execute(() -> newEvents.failed("BD_ADDR " + address + " is already on the medium"));
                    return;
                }
                events = newEvents;
                open.put(address, this);
                others = new ArrayList<>(open.values());
            }
            scheduler.execute(() -> newEvents.ready(address, describe()));
            for (Station other : others) {
                if (other != this) {
                    later(() -> other.deliverDiscovered(address), latency.toNanos());
                    later(() -> deliverDiscovered(other.address), latency.toNanos());
                }
            }
        }

        private void deliverDiscovered(String who) {
            Events e;
            synchronized (SimBleMedium.this) {
                e = events;
            }
            if (e != null) {
                e.discovered(who);
            }
        }

        void deliverWrite(String central, byte[] value, int mtu) {
            Events e;
            synchronized (SimBleMedium.this) {
                e = events;
            }
            if (e != null) {
                e.written(central, value, mtu);
            }
        }

        void deliverCentralGone(String central) {
            Events e;
            synchronized (SimBleMedium.this) {
                e = events;
            }
            if (e != null) {
                e.centralGone(central);
            }
        }

        @Override
        public CompletionStage<Connection> connect(String peer, Notifications notifications) {
            CompletableFuture<Connection> result = new CompletableFuture<>();
            String target = peer.toLowerCase(Locale.ROOT);
            // connection request, MTU exchange, service discovery, subscription: a few connection intervals
            later(() -> {
                SimConnection c = null;
                synchronized (SimBleMedium.this) {
                    Station p = open.get(target);
                    if (events != null && p != null) {
                        c = new SimConnection(this, p, notifications);
                        connections.add(c);
                    }
                }
                if (c == null) {
                    result.completeExceptionally(new TransportException(events == null ? describe() + " is closed"
                            : "no BLE device " + target + " advertising the mesh service in range"));
                } else {
                    result.complete(c);
                }
            }, 4 * latency.toNanos());
            return result;
        }

        @Override
        public CompletionStage<Void> notifyCentrals(byte[] value) {
            List<SimConnection> mine = new ArrayList<>();
            synchronized (SimBleMedium.this) {
                if (events == null) {
                    return CompletableFuture.failedFuture(new TransportException(describe() + " is closed"));
                }
                for (SimConnection c : connections) {
                    if (c.peripheral == this) {
                        mine.add(c);
                    }
                }
            }
            long last = scheduler.nanoTime();
            for (SimConnection c : mine) {
                last = Math.max(last, c.notifyCentral(value));
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            later(() -> done.complete(null), last - scheduler.nanoTime());
            return done;
        }

        @Override
        public void close() {
            List<SimConnection> mine = new ArrayList<>();
            synchronized (SimBleMedium.this) {
                if (events == null) {
                    return;
                }
                events = null;
                open.remove(address);
                for (SimConnection c : connections) {
                    if (c.peripheral == this || c.central == this) {
                        mine.add(c);
                    }
                }
            }
            for (SimConnection c : mine) {
                if (c.central == this) {
                    c.disconnect();
                } else {
                    c.peripheralLeft();
                }
            }
        }

        @Override
        public String describe() {
            return "simulated BLE station " + address + " (ATT MTU " + attMtu + ")";
        }
    }
}
