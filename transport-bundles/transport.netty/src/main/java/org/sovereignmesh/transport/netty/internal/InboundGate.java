package org.sovereignmesh.transport.netty.internal;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds inbound connections that have not yet proved themselves (delivered a first whole frame): per source IP and
 * in total. A connection flood from one address can then hold only a few sockets, and a flood from many addresses
 * only {@code maxPending}; established neighbours are never refused for it. Thread-safe.
 */
public final class InboundGate {
    private final int maxPerSource;
    private final int maxTotal;
    private final Map<InetAddress, Integer> perSource = new HashMap<>();
    private int total;

    public InboundGate(int maxPerSource, int maxTotal) {
        this.maxPerSource = maxPerSource;
        this.maxTotal = maxTotal;
    }

    /** @return a ticket for an admitted connection, or {@code null} if the source or the node is at its limit */
    public synchronized Ticket admit(InetAddress source) {
        int fromSource = perSource.getOrDefault(source, 0);
        if (fromSource >= maxPerSource || total >= maxTotal) {
            return null;
        }
        perSource.put(source, fromSource + 1);
        total++;
        return new Ticket(source);
    }

    /** @return why {@code source} would be refused now, for logs */
    public synchronized String refusal(InetAddress source) {
        int fromSource = perSource.getOrDefault(source, 0);
        return fromSource >= maxPerSource
                ? fromSource + " connections from " + source.getHostAddress() + " have not sent a frame yet (limit "
                        + maxPerSource + " per source)"
                : total + " inbound connections have not sent a frame yet (limit " + maxTotal + ")";
    }

    public synchronized int pending() {
        return total;
    }

    private synchronized void release(InetAddress source) {
        total--;
        perSource.computeIfPresent(source, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** One admitted connection; released once, when it delivers its first frame or closes. */
    public final class Ticket {
        private final InetAddress source;
        private final AtomicBoolean released = new AtomicBoolean();

        private Ticket(InetAddress source) {
            this.source = source;
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                InboundGate.this.release(source);
            }
        }
    }
}
