/**
 * Node keys and the cryptography the core puts above every transport.
 *
 * <ul>
 * <li>{@link org.sovereignmesh.crypto.NodeKeys}: the node's Ed25519 identity and its X25519 key-agreement key
 * (the did:key key-agreement key), kept in a passphrase-encrypted key store.</li>
 * <li>Duplex links: {@link org.sovereignmesh.crypto.NoiseHandshake} runs
 * {@code Noise_XX_25519_ChaChaPoly_SHA256} and binds each side's static key to its identity with a signature;
 * the resulting {@link org.sovereignmesh.crypto.SecureSession} encrypts frames with explicit nonces (so lossy,
 * reordering media work), a replay window, and periodic rekeying.</li>
 * <li>Simplex, broadcast and tiny-MTU links, and end-to-end payloads:
 * {@link org.sovereignmesh.crypto.MeshCrypto#seal sealed packets} (ephemeral X25519, HKDF-SHA256,
 * ChaCha20-Poly1305, Ed25519 signature of the sender), with replay protection by
 * {@link org.sovereignmesh.crypto.ReplayGuard}.</li>
 * </ul>
 */
@Export
@Version("1.0.0")
package org.sovereignmesh.crypto;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
