package org.sovereignmesh.crypto;

import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;
import org.sovereignmesh.api.PeerId;

/**
 * The cryptographic operations of the mesh. Stateless and thread-safe; registered as an OSGi service.
 */
@ProviderType
public interface MeshCrypto {

    /** @return whether {@code signature} is a valid Ed25519 signature of {@code message} by {@code signer} */
    boolean verify(PeerId signer, byte[] message, byte[] signature);

    /**
     * Starts a Noise XX handshake for one duplex link.
     *
     * @param initiator whether this side opened the link (it writes the first message)
     * @param prologue  bytes both sides must agree on (for example the protocol version), or empty
     */
    NoiseHandshake handshake(NodeKeys local, boolean initiator, byte[] prologue);

    /**
     * Seals {@code payload} for {@code recipient}: only the recipient can read it, and it can verify that
     * {@code sender} wrote it. See {@link #SEAL_OVERHEAD} for the size.
     *
     * @param createdAtMillis the sender's clock; kept with second resolution
     */
    byte[] seal(NodeKeys sender, PeerId recipient, byte[] payload, long createdAtMillis);

    /**
     * Opens a packet sealed for {@code recipient} and verifies its signature. Does not check replays: pass the
     * result to a {@link ReplayGuard}.
     *
     * @throws CryptoException if the packet is malformed, not for this recipient, or forged
     */
    OpenedPacket open(NodeKeys recipient, byte[] sealed) throws CryptoException;

    /**
     * @param horizon  how long packets stay acceptable (and remembered)
     * @param capacity how many packets it remembers at most; when full, the oldest are forgotten early and packets
     *                 older than the oldest remembered one are refused
     */
    ReplayGuard replayGuard(Duration horizon, int capacity);

    /**
     * Bytes a sealed packet adds to its payload: version (1), ephemeral key (32), sequence (1), tag (16), sender key
     * (32), creation time (4), signature (64).
     */
    int SEAL_OVERHEAD = 150;
}
