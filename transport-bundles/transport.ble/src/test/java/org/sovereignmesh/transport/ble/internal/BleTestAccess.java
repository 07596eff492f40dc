package org.sovereignmesh.transport.ble.internal;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.sovereignmesh.transport.ble.internal.bluez.BluezStack;

/** Package-private protocol pieces for the D-Bus test in the bluez package. */
public final class BleTestAccess {
    private BleTestAccess() {
    }

    public static BleTransport onBlueZ(String id, String busAddress, String adapter, int maxFrame) {
        BleSettings settings = BleSettings.defaults().withMaxFrame(maxFrame);
        settings = new BleSettings(settings.maxFrame(), settings.attMtu(), settings.bitrate(), settings.latency(),
                Duration.ofSeconds(10), Duration.ofSeconds(30), settings.queueLimit());
        Duration setup = settings.setupTimeout();
        return new BleTransport(id, settings, s -> new BluezStack(s, busAddress, adapter, "test", setup));
    }

    public static byte[] hello(int nonce, int maxFrame) {
        return Chunks.control(0, Chunks.HELLO, nonce, maxFrame);
    }

    public static byte[] welcome(int tag, int nonce, int maxFrame) {
        return Chunks.control(tag, Chunks.WELCOME, nonce, maxFrame);
    }

    /** @return the nonce of a HELLO chunk, or {@code null} */
    public static Integer helloNonce(byte[] value) {
        Chunks.Control c = Chunks.Control.parse(value);
        return c != null && c.code() == Chunks.HELLO ? c.nonce() : null;
    }

    public static int welcomedTag(byte[] value, int nonce) {
        Chunks.Control c = Chunks.Control.parse(value);
        if (c == null || c.code() != Chunks.WELCOME || c.nonce() != nonce) {
            throw new AssertionError("not a WELCOME for nonce " + nonce);
        }
        return c.tag();
    }

    public static byte[][] split(int tag, byte[] frame, int attMtu) {
        return Chunks.split(tag, frame, attMtu, 0);
    }

    /** Takes chunks of link {@code tag} from {@code values} until a frame is whole (at most 20 s). */
    public static byte[] reassemble(BlockingQueue<byte[]> values, int tag, int maxFrame) throws InterruptedException {
        Chunks.Reassembler r = new Chunks.Reassembler(maxFrame);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            byte[] v = values.poll(100, TimeUnit.MILLISECONDS);
            if (v == null || Chunks.tag(v) != tag || Chunks.isControl(v)) {
                continue;
            }
            byte[] frame = r.accept(v);
            if (frame != null) {
                return frame;
            }
        }
        throw new AssertionError("no whole frame within 20 s (" + r.errors() + " errors: " + r.lastError() + ")");
    }
}
