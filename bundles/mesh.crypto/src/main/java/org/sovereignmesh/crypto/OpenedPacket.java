package org.sovereignmesh.crypto;

import java.util.Objects;

import org.sovereignmesh.api.PeerId;

/** The verified content of a sealed packet. Immutable. */
public final class OpenedPacket {
    private final PeerId sender;
    private final byte[] payload;
    private final long createdAtMillis;
    private final byte[] packetId;

    public OpenedPacket(PeerId sender, byte[] payload, long createdAtMillis, byte[] packetId) {
        this.sender = Objects.requireNonNull(sender, "sender");
        this.payload = payload.clone();
        this.createdAtMillis = createdAtMillis;
        this.packetId = packetId.clone();
    }

    /** @return the signer, verified */
    public PeerId sender() {
        return sender;
    }

    public byte[] payload() {
        return payload.clone();
    }

    /** @return when the sender sealed it (second resolution), by the sender's clock */
    public long createdAtMillis() {
        return createdAtMillis;
    }

    /** @return 16 bytes unique to this packet: what replay protection remembers */
    public byte[] packetId() {
        return packetId.clone();
    }
}
