package org.sovereignmesh.transport.udp.internal;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Puts fragmented frames of one link back together, with bounded memory: at most {@link #MAX_PARTIAL_FRAMES} frames
 * in progress per link (the oldest is dropped for a new one), no frame larger than the MTU, every byte held counted
 * against a budget shared by all links of the transport, and frames not completed within the timeout dropped. A lost
 * fragment loses its frame: the medium is lossy and says so. Confined to the transport's event loop.
 */
final class Reassembly {
    static final int MAX_PARTIAL_FRAMES = 8;

    private final int mtu;
    private final long timeoutNanos;
    private final AtomicLong budget;
    private final Map<Integer, Partial> partials = new LinkedHashMap<>();
    long dropped;

    /** @param budget bytes all links may still hold; shared, decremented while a fragment is held */
    Reassembly(int mtu, long timeoutNanos, AtomicLong budget) {
        this.mtu = mtu;
        this.timeoutNanos = timeoutNanos;
        this.budget = budget;
    }

    /**
     * @return the whole frame once its last fragment arrived, else {@code null}
     * @throws MalformedDatagramException for fragments that cannot belong to a valid frame
     */
    byte[] add(int messageId, int index, int count, byte[] bytes, int offset, int length, long nowNanos)
            throws MalformedDatagramException {
        if (count < 1 || index >= count) {
            throw new MalformedDatagramException("fragment " + index + " of " + count);
        }
        if (length == 0) {
            throw new MalformedDatagramException("empty fragment");
        }
        if (count == 1) {
            if (length > mtu) {
                throw new MalformedDatagramException("frame of " + length + " bytes above the MTU of " + mtu);
            }
            byte[] frame = new byte[length];
            System.arraycopy(bytes, offset, frame, 0, length);
            return frame;
        }
        Partial partial = partials.get(messageId);
        if (partial == null) {
            expire(nowNanos);
            if (partials.size() >= MAX_PARTIAL_FRAMES) {
                Iterator<Partial> oldest = partials.values().iterator();
                drop(oldest.next());
                oldest.remove();
            }
            partial = new Partial(count, nowNanos);
            partials.put(messageId, partial);
        } else if (partial.count != count) {
            throw new MalformedDatagramException("fragment count changed from " + partial.count + " to " + count);
        }
        if (partial.pieces[index] != null) {
            return null; // duplicate
        }
        if (partial.size + length > mtu) {
            partials.remove(messageId);
            drop(partial);
            throw new MalformedDatagramException("fragments add up to more than the MTU of " + mtu);
        }
        if (budget.addAndGet(-length) < 0) {
            budget.addAndGet(length);
            partials.remove(messageId);
            drop(partial);
            dropped++;
            return null; // the transport is holding all it may: this frame is lost
        }
        byte[] piece = new byte[length];
        System.arraycopy(bytes, offset, piece, 0, length);
        partial.pieces[index] = piece;
        partial.size += length;
        partial.received++;
        if (partial.received < count) {
            return null;
        }
        partials.remove(messageId);
        byte[] frame = new byte[partial.size];
        int at = 0;
        for (byte[] p : partial.pieces) {
            System.arraycopy(p, 0, frame, at, p.length);
            at += p.length;
        }
        budget.addAndGet(partial.size);
        return frame;
    }

    /** Drops frames older than the timeout. */
    void expire(long nowNanos) {
        for (Iterator<Partial> it = partials.values().iterator(); it.hasNext();) {
            Partial p = it.next();
            if (nowNanos - p.startedNanos >= timeoutNanos) {
                drop(p);
                it.remove();
            }
        }
    }

    /** Releases everything held (the link closed). */
    void clear() {
        for (Partial p : partials.values()) {
            drop(p);
        }
        partials.clear();
    }

    int inProgress() {
        return partials.size();
    }

    private void drop(Partial p) {
        budget.addAndGet(p.size);
        dropped++;
    }

    private static final class Partial {
        final int count;
        final long startedNanos;
        final byte[][] pieces;
        int received;
        int size;

        Partial(int count, long startedNanos) {
            this.count = count;
            this.startedNanos = startedNanos;
            this.pieces = new byte[count][];
        }
    }

    /** A datagram that no correct peer sends. */
    static final class MalformedDatagramException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedDatagramException(String message) {
            super(message);
        }
    }
}
