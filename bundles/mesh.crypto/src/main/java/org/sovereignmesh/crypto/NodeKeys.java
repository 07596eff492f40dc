package org.sovereignmesh.crypto;

import org.osgi.annotation.versioning.ProviderType;
import org.sovereignmesh.api.PeerId;

/**
 * The node's secret keys, used without ever handing out the private bytes: an Ed25519 identity key and the X25519
 * key-agreement key derived from it (the same derivation as the did:key key-agreement key). Registered as an OSGi
 * service by the key store; thread-safe.
 */
@ProviderType
public interface NodeKeys {

    /** @return the identity: the Ed25519 public key */
    PeerId peerId();

    /** @return an Ed25519 signature (64 bytes) of {@code message} */
    byte[] sign(byte[] message);

    /** @return the X25519 key-agreement public key (32 bytes); others derive it from {@link #peerId()} too */
    byte[] keyAgreementPublicKey();

    /**
     * @return the X25519 shared secret (32 bytes) of this node's key-agreement key and {@code remotePublicKey}
     * @throws CryptoException if the remote key is a low-order point (the result would be all zeros)
     */
    byte[] keyAgreement(byte[] remotePublicKey) throws CryptoException;

    /**
     * Derives a secret bound to this node's keys for another purpose (for example the database boot password), so
     * one key store protects everything the node keeps at rest.
     *
     * @param purpose a fixed label, different for every use
     * @param length  bytes wanted, 1 to 255 * 32
     */
    byte[] deriveSecret(String purpose, int length);
}
