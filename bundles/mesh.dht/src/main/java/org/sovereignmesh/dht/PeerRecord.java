package org.sovereignmesh.dht;

import java.util.List;
import java.util.Objects;

import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.transport.MeshAddress;

/**
 * How to reach a peer, as the peer itself signed it: its listening addresses, the transports they belong to and
 * its region. Published under the peer's DHT id and under its region's key. Immutable.
 */
public final class PeerRecord {
    private final PeerId peer;
    private final List<MeshAddress> addresses;
    private final List<String> transports;
    private final String region;
    private final long sequence;
    private final long expiresAtMillis;

    public PeerRecord(PeerId peer, List<MeshAddress> addresses, List<String> transports, String region, long sequence,
            long expiresAtMillis) {
        this.peer = Objects.requireNonNull(peer, "peer");
        this.addresses = List.copyOf(addresses);
        this.transports = List.copyOf(transports);
        this.region = Objects.requireNonNull(region, "region");
        this.sequence = sequence;
        this.expiresAtMillis = expiresAtMillis;
    }

    public PeerId peer() {
        return peer;
    }

    /** @return where the peer listens, without the {@code /p2p/} part */
    public List<MeshAddress> addresses() {
        return addresses;
    }

    /** @return ids of the transports the peer listens on, for example {@code tcp} or {@code lora-868} */
    public List<String> transports() {
        return transports;
    }

    /** @return the region the peer declares (operator-chosen text), or an empty string */
    public String region() {
        return region;
    }

    public long sequence() {
        return sequence;
    }

    public long expiresAtMillis() {
        return expiresAtMillis;
    }

    @Override
    public String toString() {
        return "PeerRecord[" + peer + " " + addresses + " " + transports + " region '" + region + "' seq " + sequence
                + "]";
    }
}
