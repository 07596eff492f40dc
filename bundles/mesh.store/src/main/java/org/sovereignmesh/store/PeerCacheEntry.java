package org.sovereignmesh.store;

import java.util.List;
import java.util.Objects;

import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.transport.MeshAddress;

/**
 * What a node remembers about a peer between runs: how to reach it, where the knowledge came from, when it last
 * answered, and optionally the peer's signed self-description. Immutable.
 */
public final class PeerCacheEntry {
    private final PeerId peer;
    private final List<MeshAddress> addresses;
    private final String source;
    private final long lastSeenMillis;
    private final int failures;
    private final byte[] signedRecord;

    /**
     * @param source         who learned of the peer, for example {@code "dht"}, {@code "lan"}, {@code "seed"} (1 to
     *                       32 characters)
     * @param lastSeenMillis when the peer last answered (0: never)
     * @param failures       consecutive failed attempts to reach it since then
     * @param signedRecord   the peer's signed record (for example its DHT peer record), or an empty array
     */
    public PeerCacheEntry(PeerId peer, List<MeshAddress> addresses, String source, long lastSeenMillis, int failures,
            byte[] signedRecord) {
        this.peer = Objects.requireNonNull(peer, "peer");
        this.addresses = List.copyOf(addresses);
        this.source = Objects.requireNonNull(source, "source");
        this.lastSeenMillis = lastSeenMillis;
        this.failures = failures;
        this.signedRecord = signedRecord == null ? new byte[0] : signedRecord.clone();
    }

    public PeerId peer() {
        return peer;
    }

    public List<MeshAddress> addresses() {
        return addresses;
    }

    public String source() {
        return source;
    }

    public long lastSeenMillis() {
        return lastSeenMillis;
    }

    public int failures() {
        return failures;
    }

    /** @return a copy of the signed record, empty if none */
    public byte[] signedRecord() {
        return signedRecord.clone();
    }

    @Override
    public String toString() {
        return "PeerCacheEntry[" + peer.shortName() + " from " + source + ", " + addresses + "]";
    }
}
