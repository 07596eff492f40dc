package org.sovereignmesh.crypto.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.crypto.CryptoException;
import org.sovereignmesh.crypto.MeshCrypto;
import org.sovereignmesh.crypto.NodeKeys;
import org.sovereignmesh.crypto.OpenedPacket;

/**
 * Sealed packets: encrypted to one recipient, signed by the sender, self-contained (no handshake, no state), for
 * one-way, broadcast and tiny-MTU media and for end-to-end payloads.
 *
 * <pre>
 * packet    = version (1) = 0x01 | ephemeral X25519 public key (32) | ChaCha20-Poly1305(plaintext) incl. tag (16)
 * plaintext = flags (1) = 0 | sender Ed25519 key (32) | created, seconds since 2024-01-01 UTC (4, big-endian)
 *             | payload | Ed25519 signature (64)
 * key       = HKDF-SHA256(salt = ephemeral public | recipient X25519 public,
 *                         ikm = X25519(ephemeral private, recipient X25519 public), info = "sovereign-mesh v1 seal")
 * nonce 0 (every key is used once); associated data = version | ephemeral public | recipient Ed25519 key
 * signature over "sovereign-mesh v1 seal" | ephemeral public | recipient Ed25519 key | flags | created | payload
 * </pre>
 *
 * The recipient's X25519 key is derived from its peer id (the did:key key-agreement key), so a first message needs
 * nothing but the peer id. Signing the ephemeral key and the recipient binds the signature to this one packet for
 * this one recipient: it cannot be re-sealed for someone else. Overhead: {@value MeshCrypto#SEAL_OVERHEAD} bytes.
 */
final class SealedPackets {
    static final int VERSION = 1;
    static final long CREATED_EPOCH_MILLIS = 1_704_067_200_000L; // 2024-01-01T00:00:00Z
    static final byte[] LABEL = "sovereign-mesh v1 seal".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 1 + Curves.KEY_SIZE;
    private static final int PREFIX = 1 + PeerId.KEY_LENGTH + 4;

    private SealedPackets() {
    }

    static byte[] seal(NodeKeys sender, PeerId recipient, byte[] payload, long createdAtMillis) {
        byte[] recipientEd = recipient.publicKey();
        byte[] recipientX = Curves.x25519PublicFromEd25519(recipientEd);
        byte[] ephemeralPrivate = Curves.newX25519PrivateKey();
        byte[] ephemeralPublic = Curves.x25519PublicKey(ephemeralPrivate);
        byte[] shared;
        try {
            shared = Curves.x25519(ephemeralPrivate, recipientX);
        } catch (CryptoException e) {
            throw new IllegalArgumentException("recipient " + recipient + " has no usable key-agreement key", e);
        } finally {
            Arrays.fill(ephemeralPrivate, (byte) 0);
        }
        byte[] key = Hashes.hkdf(XXHandshakeState.concat(ephemeralPublic, recipientX), shared, LABEL, ChaChaPoly.KEY_SIZE);
        Arrays.fill(shared, (byte) 0);

        long seconds = Math.max(0, (createdAtMillis - CREATED_EPOCH_MILLIS) / 1000);
        if (seconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("creation time out of range: " + createdAtMillis);
        }
        byte[] prefix = new byte[PREFIX];
        prefix[0] = 0; // flags
        System.arraycopy(sender.peerId().publicKey(), 0, prefix, 1, PeerId.KEY_LENGTH);
        for (int i = 0; i < 4; i++) {
            prefix[1 + PeerId.KEY_LENGTH + i] = (byte) (seconds >>> (24 - 8 * i));
        }
        byte[] signature = sender.sign(XXHandshakeState.concat(LABEL, ephemeralPublic, recipientEd,
                new byte[] {prefix[0]}, Arrays.copyOfRange(prefix, 1 + PeerId.KEY_LENGTH, PREFIX), payload));
        byte[] plaintext = XXHandshakeState.concat(prefix, payload, signature);
        byte[] header = new byte[HEADER];
        header[0] = VERSION;
        System.arraycopy(ephemeralPublic, 0, header, 1, Curves.KEY_SIZE);
        byte[] ciphertext = new ChaChaPoly().encrypt(key, 0, XXHandshakeState.concat(header, recipientEd), plaintext);
        Arrays.fill(key, (byte) 0);
        return XXHandshakeState.concat(header, ciphertext);
    }

    static OpenedPacket open(NodeKeys recipient, byte[] packet) throws CryptoException {
        if (packet.length < MeshCrypto.SEAL_OVERHEAD) {
            throw new CryptoException("sealed packet of " + packet.length + " bytes is shorter than "
                    + MeshCrypto.SEAL_OVERHEAD);
        }
        if (packet[0] != VERSION) {
            throw new CryptoException("unsupported sealed packet version " + (packet[0] & 0xff));
        }
        byte[] header = Arrays.copyOf(packet, HEADER);
        byte[] ephemeralPublic = Arrays.copyOfRange(packet, 1, HEADER);
        byte[] recipientEd = recipient.peerId().publicKey();
        byte[] shared = recipient.keyAgreement(ephemeralPublic);
        byte[] key = Hashes.hkdf(XXHandshakeState.concat(ephemeralPublic, recipient.keyAgreementPublicKey()), shared,
                LABEL, ChaChaPoly.KEY_SIZE);
        Arrays.fill(shared, (byte) 0);
        byte[] plaintext;
        try {
            plaintext = new ChaChaPoly().decrypt(key, 0, XXHandshakeState.concat(header, recipientEd), packet, HEADER,
                    packet.length - HEADER);
        } catch (CryptoException e) {
            throw new CryptoException("sealed packet is not for this node, or was altered");
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        if (plaintext[0] != 0) {
            throw new CryptoException("sealed packet has unknown flags " + (plaintext[0] & 0xff));
        }
        PeerId sender = PeerId.fromPublicKey(Arrays.copyOfRange(plaintext, 1, 1 + PeerId.KEY_LENGTH));
        byte[] created = Arrays.copyOfRange(plaintext, 1 + PeerId.KEY_LENGTH, PREFIX);
        byte[] payload = Arrays.copyOfRange(plaintext, PREFIX, plaintext.length - Curves.SIGNATURE_SIZE);
        byte[] signature = Arrays.copyOfRange(plaintext, plaintext.length - Curves.SIGNATURE_SIZE, plaintext.length);
        byte[] signed = XXHandshakeState.concat(LABEL, ephemeralPublic, recipientEd, new byte[] {plaintext[0]}, created,
                payload);
        if (!Curves.verify(sender.publicKey(), signed, signature)) {
            throw new CryptoException("sealed packet signature of " + sender + " is invalid");
        }
        long seconds = 0;
        for (byte b : created) {
            seconds = (seconds << 8) | (b & 0xff);
        }
        byte[] packetId = Arrays.copyOf(Hashes.sha256(ephemeralPublic), 16);
        return new OpenedPacket(sender, payload, CREATED_EPOCH_MILLIS + seconds * 1000, packetId);
    }
}
