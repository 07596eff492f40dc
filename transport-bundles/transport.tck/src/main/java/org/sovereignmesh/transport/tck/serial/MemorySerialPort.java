package org.sovereignmesh.transport.tck.serial;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.serial.SerialLine;
import org.sovereignmesh.serial.SerialListener;
import org.sovereignmesh.serial.SerialPorts;

/**
 * A serial cable in memory between a transport (the host, which {@link #open opens} the port like a real one) and
 * a simulated device ({@link #attachDevice}). Bytes travel on the scheduler, in order, cut into chunks of random
 * size (seeded) so decoders meet split and merged reads as on real hardware. {@link #unplug} simulates pulling the
 * cable.
 */
public final class MemorySerialPort implements SerialPorts {
    private final String name;
    private final Scheduler scheduler;
    private final Random chunking;
    private End host;
    private End device;

    public MemorySerialPort(String name, Scheduler scheduler, long seed) {
        this.name = name;
        this.scheduler = scheduler;
        this.chunking = new Random(seed);
    }

    public String name() {
        return name;
    }

    /** Connects the simulated device; what it writes reaches the host once the host has opened the port. */
    public synchronized SerialLine attachDevice(SerialListener listener) {
        device = new End("device side of " + name, listener);
        return device;
    }

    @Override
    public List<String> available() {
        return List.of(name);
    }

    @Override
    public synchronized SerialLine open(String portName, int baudRate, SerialListener listener) throws IOException {
        if (!name.equals(portName)) {
            throw new IOException("no serial port " + portName + " (only " + name + ")");
        }
        if (host != null && !host.closed) {
            throw new IOException("serial port " + portName + " is busy");
        }
        if (device == null || device.closed) {
            throw new IOException("serial port " + portName + " has no device attached");
        }
        host = new End(name, listener);
        return host;
    }

    /** Pulls the cable: both ends hear {@code closed} with an error. */
    public void unplug() {
        End h;
        End d;
        synchronized (this) {
            h = host;
            d = device;
        }
        if (h != null) {
            h.closeWith(new IOException("device unplugged"));
        }
        if (d != null) {
            d.closeWith(new IOException("cable unplugged"));
        }
    }

    private synchronized End peerOf(End end) {
        return end == host ? device : end == device ? host : null;
    }

    private final class End implements SerialLine {
        private final String label;
        private final SerialListener listener;
        private volatile boolean closed;
        private volatile boolean closeReported;

        End(String label, SerialListener listener) {
            this.label = label;
            this.listener = listener;
        }

        @Override
        public String portName() {
            return label;
        }

        @Override
        public void write(byte[] bytes) throws IOException {
            if (closed) {
                throw new IOException(label + " is closed");
            }
            End peer = peerOf(this);
            byte[] copy = bytes.clone();
            int offset = 0;
            while (offset < copy.length) {
                int size;
                synchronized (chunking) {
                    size = 1 + chunking.nextInt(Math.min(64, copy.length - offset));
                }
                byte[] chunk = Arrays.copyOfRange(copy, offset, offset + size);
                offset += size;
                scheduler.execute(() -> {
                    // bytes already written travel on even if the writer closes its end meanwhile
                    if (peer != null && !peer.closed) {
                        peer.listener.received(chunk);
                    }
                });
            }
        }

        @Override
        public void close() {
            closeWith(null);
            End peer = peerOf(this);
            if (peer != null && peer == device) {
                // the device notices the host let go, as a modem sees DTR drop; it stays attached for a reopen
                return;
            }
            if (peer != null) {
                peer.closeWith(new IOException("the other end closed the line"));
            }
        }

        void closeWith(IOException cause) {
            closed = true;
            scheduler.execute(() -> {
                if (!closeReported) {
                    closeReported = true;
                    listener.closed(cause);
                }
            });
        }
    }
}
