package org.sovereignmesh.update.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.sovereignmesh.api.PeerId;

/**
 * The fetching of one update's bundles from one source, chunk by chunk: which chunks are here (verified and on
 * disk), which are requested, when a request counts as lost. Plain bookkeeping: the agent sends the requests, stores
 * the chunks and drives the clock. Confined to the agent's thread.
 *
 * <p>At most {@code window} chunks are requested at a time. A chunk not received within its timeout is requested
 * again; each further request of the same chunk waits twice as long (up to a maximum), so an unreachable source is
 * asked less and less often but never given up on, and the transfer continues where it stopped when the source is
 * back.
 */
final class Transfer {
    /** Corrupt chunks one source may send before the transfer fails: it is then broken or hostile. */
    static final int MAX_CORRUPT_CHUNKS = 16;

    final Offer offer;
    PeerId source;
    /** Bundle indexes (into the manifest) this node fetches; the others it has or keeps. */
    private final Set<Integer> wanted;
    private final Map<Integer, BitSet> received = new HashMap<>();
    /** Requested chunks (bundle << 32 | chunk) and the nanoTime their request expires. */
    private final Map<Long, Long> inFlight = new LinkedHashMap<>();
    /** How often each chunk was requested (for the backoff). */
    private final Map<Long, Integer> attempts = new HashMap<>();
    private final Duration timeout;
    private final Duration maxTimeout;
    private long bytesDone;
    private final long bytesTotal;
    int corruptChunks;
    /** Last progress quarter reported (0-4). */
    int reportedQuarter;

    Transfer(Offer offer, PeerId source, Set<Integer> wanted, Duration timeout, Duration maxTimeout) {
        this.offer = offer;
        this.source = source;
        this.wanted = Set.copyOf(wanted);
        this.timeout = timeout;
        this.maxTimeout = maxTimeout;
        long total = 0;
        for (int b : wanted) {
            received.put(b, new BitSet());
            total += offer.manifest.bundles.get(b).size;
        }
        this.bytesTotal = total;
    }

    Set<Integer> wanted() {
        return wanted;
    }

    long bytesDone() {
        return bytesDone;
    }

    long bytesTotal() {
        return bytesTotal;
    }

    /** Why a chunk that arrived was not taken. */
    enum Verdict {
        TAKEN, NOT_WANTED, DUPLICATE, WRONG_LENGTH, CORRUPT
    }

    /** Checks a chunk against the manifest without recording it. */
    Verdict check(int bundle, int chunk, byte[] data) {
        BitSet have = received.get(bundle);
        Manifest.Entry entry = bundle < offer.manifest.bundles.size() ? offer.manifest.bundles.get(bundle) : null;
        if (have == null || entry == null || chunk < 0 || chunk >= entry.chunks()) {
            return Verdict.NOT_WANTED;
        }
        if (have.get(chunk)) {
            return Verdict.DUPLICATE;
        }
        if (data.length != entry.chunkLength(chunk, offer.manifest.chunkSize)) {
            return Verdict.WRONG_LENGTH;
        }
        return entry.chunkMatches(chunk, Offer.sha256(data)) ? Verdict.TAKEN : Verdict.CORRUPT;
    }

    /** Records a verified chunk that is now on disk. */
    void received(int bundle, int chunk, int length) {
        if (!received.get(bundle).get(chunk)) {
            received.get(bundle).set(chunk);
            bytesDone += length;
        }
        inFlight.remove(key(bundle, chunk));
    }

    /** A corrupt or wrong chunk: request it again at the next opportunity (its backoff still grows). */
    void rejected(int bundle, int chunk) {
        inFlight.remove(key(bundle, chunk));
    }

    boolean bundleComplete(int bundle) {
        return received.get(bundle).cardinality() == offer.manifest.bundles.get(bundle).chunks();
    }

    boolean complete() {
        for (int b : wanted) {
            if (!bundleComplete(b)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Forgets requests whose time is up and picks chunks to request now, filling the window.
     *
     * @return {bundle, chunk} pairs to request, recorded as in flight
     */
    List<int[]> requests(long nowNanos, int window) {
        inFlight.values().removeIf(deadline -> deadline <= nowNanos);
        List<int[]> out = new ArrayList<>();
        for (int b : wanted.stream().sorted().toList()) {
            BitSet have = received.get(b);
            int chunks = offer.manifest.bundles.get(b).chunks();
            for (int c = have.nextClearBit(0); c < chunks && inFlight.size() < window; c = have.nextClearBit(c + 1)) {
                long k = key(b, c);
                if (inFlight.containsKey(k)) {
                    continue;
                }
                int n = attempts.merge(k, 1, Integer::sum);
                long wait = Math.min(maxTimeout.toNanos(), timeout.toNanos() << Math.min(20, n - 1));
                inFlight.put(k, nowNanos + wait);
                out.add(new int[] {b, c});
            }
            if (inFlight.size() >= window) {
                break;
            }
        }
        return out;
    }

    /**
     * The source was heard from (it answered, or offered the update again): requests waiting out a long backoff are
     * due again soon, and backoffs start over.
     */
    void sourceHeard(long nowNanos) {
        long soon = nowNanos + timeout.toNanos();
        inFlight.replaceAll((k, deadline) -> Math.min(deadline, soon));
        attempts.clear();
    }

    /** The source changed (a new offer of the same update from another node): ask it afresh. */
    void switchSource(PeerId newSource) {
        source = newSource;
        inFlight.clear();
        attempts.clear();
    }

    int inFlight() {
        return inFlight.size();
    }

    /** @return the earliest expiry of a request in flight, or Long.MAX_VALUE */
    long nextDeadline() {
        return inFlight.values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
    }

    private static long key(int bundle, int chunk) {
        return (long) bundle << 32 | chunk & 0xffffffffL;
    }
}
