package org.sovereignmesh.serial.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.sovereignmesh.serial.SerialLine;
import org.sovereignmesh.serial.SerialListener;

import com.fazecast.jSerialComm.SerialPort;

/**
 * An open jSerialComm port with a reader thread (delivers to the listener) and a writer thread (drains a bounded
 * queue), so callers on an event loop never block on the device.
 */
final class JSerialCommLine implements SerialLine {
    static final int READ_POLL_MILLIS = 100;
    /** Bytes that may wait for the writer before {@link #write} refuses more. */
    static final long WRITE_BUFFER_BYTES = 64 * 1024;
    private static final System.Logger LOG = System.getLogger(JSerialCommLine.class.getName());
    private static final byte[] STOP = new byte[0];

    private final SerialPort port;
    private final String name;
    private final SerialListener listener;
    private final LinkedBlockingQueue<byte[]> writes = new LinkedBlockingQueue<>();
    private final AtomicLong waitingBytes = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean closeReported = new AtomicBoolean();
    private final Thread reader;
    private final Thread writer;

    JSerialCommLine(SerialPort port, String name, SerialListener listener) {
        this.port = port;
        this.name = name;
        this.listener = listener;
        reader = new Thread(this::readLoop, "serial-read " + name);
        writer = new Thread(this::writeLoop, "serial-write " + name);
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    @Override
    public String portName() {
        return name;
    }

    @Override
    public void write(byte[] bytes) throws IOException {
        if (closed.get()) {
            throw new IOException("serial port " + name + " is closed");
        }
        if (waitingBytes.addAndGet(bytes.length) > WRITE_BUFFER_BYTES) {
            waitingBytes.addAndGet(-bytes.length);
            throw new IOException("serial port " + name + " is not keeping up: more than " + WRITE_BUFFER_BYTES
                    + " bytes wait to be written");
        }
        writes.add(bytes.clone());
    }

    @Override
    public void close() {
        shutDown(null);
    }

    private void shutDown(IOException cause) {
        if (closed.compareAndSet(false, true)) {
            // on request, the writer flushes what was queued and then closes the port; on an error, close now
            writes.add(STOP);
            if (cause != null) {
                port.closePort();
            }
        }
        if (closeReported.compareAndSet(false, true)) {
            try {
                listener.closed(cause);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "serial listener of " + name + " failed on close", e);
            }
        }
    }

    private void readLoop() {
        byte[] buffer = new byte[4096];
        while (!closed.get()) {
            int n = port.readBytes(buffer, buffer.length);
            if (n < 0) {
                if (!closed.get()) {
                    shutDown(new IOException("serial port " + name + " read failed (error " + port.getLastErrorCode()
                            + "): device gone?"));
                }
                return;
            }
            if (n > 0) {
                try {
                    listener.received(Arrays.copyOf(buffer, n));
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "serial listener of " + name + " failed", e);
                }
            }
        }
    }

    private void writeLoop() {
        try {
            while (true) {
                byte[] bytes = writes.poll(1, TimeUnit.SECONDS);
                if (bytes == STOP) {
                    port.closePort();
                    return;
                }
                if (bytes == null) {
                    continue;
                }
                waitingBytes.addAndGet(-bytes.length);
                int written = 0;
                while (written < bytes.length) {
                    int n = port.writeBytes(bytes, bytes.length - written, written);
                    if (n < 0) {
                        if (!closed.get()) {
                            shutDown(new IOException("serial port " + name + " write failed (error "
                                    + port.getLastErrorCode() + ")"));
                        }
                        return;
                    }
                    written += n;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
