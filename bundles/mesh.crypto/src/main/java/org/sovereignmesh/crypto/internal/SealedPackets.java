package org.sovereignmesh.crypto.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.crypto.CryptoException;
import org.sovereignmesh.crypto.MeshCrypto;
import org.sovereignmesh.crypto.NodeKeys;
import org.sovereignmesh.crypto.OpenedPacket;

/**
 * Sealed packets: encrypted to one recipient, signed by the sender, self-contained (no handshake), for one-way,
 * broadcast and tiny-MTU media and for end-to-end payloads.
 *
 * <pre>
 * packet    = version (1) = 0x02 | ephemeral X25519 public key (32) | sequence (1)
 *             | ChaCha20-Poly1305(plaintext) incl. tag (16)
 * plaintext = sender Ed25519 key (32) | created, seconds since 2024-01-01 UTC (4, big-endian) | payload
 *             | Ed25519 signature (64)
 * key       = HKDF-SHA256(salt = ephemeral public | recipient X25519 public,
 *                         ikm = X25519(ephemeral private, recipient X25519 public), info = "sovereign-mesh v1 seal")
 * nonce     = the sequence number (Noise layout); associated data = version | ephemeral key | sequence | recipient
 *             Ed25519 key
 * signature over "sovereign-mesh v1 seal" | ephemeral key | sequence | recipient Ed25519 key | created
 *             | SHA-256(payload)
 * </pre>
 *
 * A sender uses one ephemeral key for at most {@value #PACKETS_PER_KEY} packets to the same recipient and at most
 * {@value #KEY_LIFETIME_SECONDS} s, numbering them, so the two X25519 operations are paid once per key rather than
 * once per packet (the recipient caches the derived key too); every packet is still signed on its own. The
 * recipient's X25519 key is derived from its peer id (the did:key key-agreement key), so a first message needs
 * nothing but the peer id. The signature covers a SHA-256 digest of the payload rather than the payload itself,
 * so its cost does not grow with the payload (Ed25519 would hash a large payload twice with SHA-512). Signing the ephemeral key, the sequence and the recipient binds each signature to one
 * packet for one recipient. Overhead: {@value MeshCrypto#SEAL_OVERHEAD} bytes. Thread-safe.
 */
final class SealedPackets {
    static final int VERSION = 2;
    static final long CREATED_EPOCH_MILLIS = 1_704_067_200_000L; // 2024-01-01T00:00:00Z
    static final byte[] LABEL = "sovereign-mesh v1 seal".getBytes(StandardCharsets.US_ASCII);
    static final int PACKETS_PER_KEY = 256;
    static final long KEY_LIFETIME_SECONDS = 60;
    static final int HEADER = 1 + Curves.KEY_SIZE + 1;
    private static final int PREFIX = PeerId.KEY_LENGTH + 4;

    /** A sender's current ephemeral key towards one recipient. */
    private static final class Sending {
        final byte[] ephemeralPublic;
        final byte[] key;
        final long createdNanos;
        int nextSequence;

        Sending(byte[] ephemeralPublic, byte[] key, long createdNanos) {
            this.ephemeralPublic = ephemeralPublic;
            this.key = key;
            this.createdNanos = createdNanos;
        }
    }

    private final BoundedCache<String, Sending> sending = new BoundedCache<>(4096);
    private final BoundedCache<ByteBuffer, byte[]> receivingKeys = new BoundedCache<>(4096);
    private final BoundedCache<PeerId, byte[]> agreementKeys = new BoundedCache<>(4096);
    private final BoundedCache<PeerId, Ed25519.PublicPoint> publicPoints = new BoundedCache<>(4096);

    byte[] seal(NodeKeys sender, PeerId recipient, byte[] payload, long createdAtMillis) {
        byte[] recipientEd = recipient.publicKey();
        long seconds = Math.max(0, (createdAtMillis - CREATED_EPOCH_MILLIS) / 1000);
        if (seconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("creation time out of range: " + createdAtMillis);
        }
        byte[] ephemeralPublic;
        byte[] key;
        int sequence;
        Sending current = sendingKey(sender.peerId(), recipient);
        synchronized (current) {
            ephemeralPublic = current.ephemeralPublic;
            key = current.key;
            sequence = current.nextSequence++;
        }
        byte[] created = {(byte) (seconds >>> 24), (byte) (seconds >>> 16), (byte) (seconds >>> 8), (byte) seconds};
        byte[] header = new byte[HEADER];
        header[0] = VERSION;
        System.arraycopy(ephemeralPublic, 0, header, 1, Curves.KEY_SIZE);
        header[HEADER - 1] = (byte) sequence;
        byte[] signature = sender.sign(XXHandshakeState.concat(LABEL, ephemeralPublic, new byte[] {(byte) sequence},
                recipientEd, created, Hashes.sha256(payload)));
        byte[] plaintext = XXHandshakeState.concat(sender.peerId().publicKey(), created, payload, signature);
        byte[] ciphertext = new ChaChaPoly().encrypt(key, sequence, XXHandshakeState.concat(header, recipientEd), plaintext);
        return XXHandshakeState.concat(header, ciphertext);
    }

    /** The sender's key towards {@code recipient}, replaced after its packets or its lifetime are used up. */
    private Sending sendingKey(PeerId sender, PeerId recipient) {
        String slot = sender + ">" + recipient;
        long now = System.nanoTime();
        Sending current = sending.get(slot);
        if (current != null) {
            synchronized (current) {
                if (current.nextSequence < PACKETS_PER_KEY
                        && now - current.createdNanos < KEY_LIFETIME_SECONDS * 1_000_000_000L) {
                    return current;
                }
            }
        }
        byte[] recipientX = agreementKeys.computeIfAbsent(recipient, p -> Curves.x25519PublicFromEd25519(p.publicKey()));
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
        Sending fresh = new Sending(ephemeralPublic, key, now);
        sending.put(slot, fresh);
        return fresh;
    }

    OpenedPacket open(NodeKeys recipient, byte[] packet) throws CryptoException {
        if (packet.length < MeshCrypto.SEAL_OVERHEAD) {
            throw new CryptoException("sealed packet of " + packet.length + " bytes is shorter than "
                    + MeshCrypto.SEAL_OVERHEAD);
        }
        if (packet[0] != VERSION) {
            throw new CryptoException("unsupported sealed packet version " + (packet[0] & 0xff));
        }
        byte[] header = Arrays.copyOf(packet, HEADER);
        byte[] ephemeralPublic = Arrays.copyOfRange(packet, 1, 1 + Curves.KEY_SIZE);
        int sequence = packet[HEADER - 1] & 0xff;
        byte[] recipientEd = recipient.peerId().publicKey();
        byte[] key = receivingKey(recipient, ephemeralPublic);
        byte[] plaintext;
        try {
            plaintext = new ChaChaPoly().decrypt(key, sequence, XXHandshakeState.concat(header, recipientEd), packet,
                    HEADER, packet.length - HEADER);
        } catch (CryptoException e) {
            throw new CryptoException("sealed packet is not for this node, or was altered");
        }
        PeerId sender = PeerId.fromPublicKey(Arrays.copyOf(plaintext, PeerId.KEY_LENGTH));
        byte[] created = Arrays.copyOfRange(plaintext, PeerId.KEY_LENGTH, PREFIX);
        byte[] payload = Arrays.copyOfRange(plaintext, PREFIX, plaintext.length - Curves.SIGNATURE_SIZE);
        byte[] signature = Arrays.copyOfRange(plaintext, plaintext.length - Curves.SIGNATURE_SIZE, plaintext.length);
        byte[] signed = XXHandshakeState.concat(LABEL, ephemeralPublic, new byte[] {(byte) sequence}, recipientEd, created,
                Hashes.sha256(payload));
        if (!verify(sender, signed, signature)) {
            throw new CryptoException("sealed packet signature of " + sender + " is invalid");
        }
        long seconds = 0;
        for (byte b : created) {
            seconds = (seconds << 8) | (b & 0xff);
        }
        byte[] packetId = Arrays.copyOf(Hashes.sha256(Arrays.copyOfRange(packet, 1, HEADER)), 16);
        return new OpenedPacket(sender, payload, CREATED_EPOCH_MILLIS + seconds * 1000, packetId);
    }

    /** The key of a sender's ephemeral key towards this node; derived once, then cached. */
    private byte[] receivingKey(NodeKeys recipient, byte[] ephemeralPublic) throws CryptoException {
        ByteBuffer slot = ByteBuffer.wrap(XXHandshakeState.concat(ephemeralPublic, recipient.peerId().publicKey()));
        byte[] known = receivingKeys.get(slot);
        if (known != null) {
            return known;
        }
        byte[] shared = recipient.keyAgreement(ephemeralPublic);
        byte[] key = Hashes.hkdf(XXHandshakeState.concat(ephemeralPublic, recipient.keyAgreementPublicKey()), shared,
                LABEL, ChaChaPoly.KEY_SIZE);
        Arrays.fill(shared, (byte) 0);
        receivingKeys.put(slot, key);
        return key;
    }

    /** Ed25519 verification against a cached decompressed public key: about half the cost of a plain verify. */
    boolean verify(PeerId signer, byte[] message, byte[] signature) {
        if (signature == null || signature.length != Curves.SIGNATURE_SIZE) {
            return false;
        }
        Ed25519.PublicPoint point = publicPoints.computeIfAbsent(signer,
                p -> Ed25519.validatePublicKeyFullExport(p.publicKey(), 0));
        return point != null && Ed25519.verify(signature, 0, point, message, 0, message.length);
    }
}
