package org.sovereignmesh.crypto;

import org.osgi.annotation.versioning.ProviderType;
import org.sovereignmesh.api.PeerId;

/**
 * Authenticated encryption of the frames of one link after its handshake.
 *
 * <p>Each frame carries its 64-bit nonce in clear ({@code nonce | ciphertext | tag}, {@link #OVERHEAD} bytes more
 * than the plaintext), so frames may be lost or reordered; a sliding window rejects replays. Keys move forward by
 * the Noise {@code REKEY} function every epoch of nonces; {@link #rekey()} starts the next epoch early (time-based
 * rekeying). Not thread-safe; one per link.
 */
@ProviderType
public interface SecureSession {

    /** Bytes a frame gains over its plaintext: an 8-byte nonce and a 16-byte tag. */
    int OVERHEAD = 24;

    /** @return the authenticated peer */
    PeerId remotePeer();

    /** @return {@code plaintext} sealed as one frame */
    byte[] encrypt(byte[] plaintext);

    /**
     * @return the plaintext of a frame produced by the peer's {@link #encrypt}
     * @throws CryptoException if the frame is truncated, forged, from a retired key epoch, or a replay
     */
    byte[] decrypt(byte[] frame) throws CryptoException;

    /** Moves sending to the next key epoch; the peer follows when it sees the first frame of that epoch. */
    void rekey();

    /** @return the key epoch frames are sent in; grows by rekeying */
    long sendEpoch();
}
