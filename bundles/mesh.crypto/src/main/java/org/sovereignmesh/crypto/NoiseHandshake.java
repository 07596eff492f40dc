package org.sovereignmesh.crypto;

import org.osgi.annotation.versioning.ProviderType;
import org.sovereignmesh.api.PeerId;

/**
 * One {@code Noise_XX_25519_ChaChaPoly_SHA256} handshake on a duplex link: three messages, initiator first. The
 * second and third messages carry the sender's Ed25519 identity and its signature of the sender's Noise static key,
 * so a completed handshake proves who is on the other end. Not thread-safe; one per link.
 */
@ProviderType
public interface NoiseHandshake {

    /** @return whether this side must {@link #writeMessage write} next (otherwise it waits to read, or is done) */
    boolean isMyTurn();

    /** @return whether all three messages went through; {@link #split()} is then available */
    boolean isComplete();

    /**
     * Produces the next handshake message.
     *
     * @param payload application bytes to carry (sent in clear in the first message, encrypted in the others)
     * @throws IllegalStateException if it is not this side's turn
     */
    byte[] writeMessage(byte[] payload);

    /**
     * Consumes the peer's next handshake message.
     *
     * @return the application payload it carried
     * @throws CryptoException if the message is malformed, fails authentication, or its identity proof is wrong;
     *         the handshake is then dead
     */
    byte[] readMessage(byte[] message) throws CryptoException;

    /** @return the authenticated peer, once its identity message has been read */
    PeerId remotePeer();

    /** @return the Noise handshake hash, identical on both sides once complete (channel binding) */
    byte[] handshakeHash();

    /**
     * @return the transport session, once {@link #isComplete()}
     * @throws IllegalStateException before completion
     */
    SecureSession split();
}
