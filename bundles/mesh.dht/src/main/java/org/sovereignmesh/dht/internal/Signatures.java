package org.sovereignmesh.dht.internal;

import org.sovereignmesh.api.PeerId;

/**
 * Signing and verifying records. In a node: the key store's Ed25519 key and {@code MeshCrypto.verify}; the
 * simulator may substitute a cheaper scheme with the same sizes (and says so).
 */
public interface Signatures {
    int SIGNATURE_LENGTH = 64;

    /** @return a 64-byte signature of {@code message} by this node */
    byte[] sign(byte[] message);

    /** @return whether {@code signature} is {@code signer}'s valid signature of {@code message} */
    boolean verify(PeerId signer, byte[] message, byte[] signature);
}
