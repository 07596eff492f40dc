package org.sovereignmesh.update.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.sovereignmesh.crypto.MeshCrypto;
import org.sovereignmesh.crypto.NodeKeys;

/**
 * A manifest with the publisher's Ed25519 signature over {@code "sovereign-mesh v1 update" | manifest bytes}. The
 * update's id is the SHA-256 of the manifest bytes. Immutable. Encoded as
 * {@code manifest length (4) | manifest | signature length (1) | signature (0 or 64)}; length 0 is an unsigned
 * offer, which every node refuses.
 */
final class Offer {
    static final String SIGNATURE_CONTEXT = "sovereign-mesh v1 update";
    static final int SIGNATURE_LENGTH = 64;

    final Manifest manifest;
    private final byte[] manifestBytes;
    private final byte[] signature;
    final String id;

    private Offer(Manifest manifest, byte[] manifestBytes, byte[] signature) {
        this.manifest = manifest;
        this.manifestBytes = manifestBytes;
        this.signature = signature;
        this.id = HexFormat.of().formatHex(sha256(manifestBytes));
    }

    /** Signs {@code manifest}; {@code keys} must be the manifest's publisher. */
    static Offer sign(Manifest manifest, NodeKeys keys) {
        if (!keys.peerId().equals(manifest.publisher)) {
            throw new IllegalArgumentException("the manifest names publisher " + manifest.publisher
                    + ", the signing key is " + keys.peerId());
        }
        byte[] bytes = manifest.encode();
        return new Offer(manifest, bytes, keys.sign(Manifest.signedBytes(bytes)));
    }

    /** An offer whose signature is as given (possibly empty or wrong): for the refusal paths and their tests. */
    static Offer withSignature(Manifest manifest, byte[] manifestBytes, byte[] signature) {
        return new Offer(manifest, manifestBytes.clone(), signature.clone());
    }

    boolean signed() {
        return signature.length > 0;
    }

    /** @return whether the signature is the publisher's over exactly these manifest bytes */
    boolean signatureValid(MeshCrypto crypto) {
        return signature.length == SIGNATURE_LENGTH
                && crypto.verify(manifest.publisher, Manifest.signedBytes(manifestBytes), signature);
    }

    byte[] manifestBytes() {
        return manifestBytes.clone();
    }

    byte[] signature() {
        return signature.clone();
    }

    byte[] idBytes() {
        return HexFormat.of().parseHex(id);
    }

    byte[] encode() {
        return new Writer().u32(manifestBytes.length).bytes(manifestBytes).u8(signature.length).bytes(signature)
                .toByteArray();
    }

    static Offer decode(byte[] data) throws MalformedUpdateException {
        return decode(new Reader(data), true);
    }

    static Offer decode(Reader r, boolean whole) throws MalformedUpdateException {
        long length = r.u32("manifest length");
        if (length > r.remaining()) {
            throw new MalformedUpdateException("manifest length " + length + " exceeds the " + r.remaining()
                    + " bytes present");
        }
        byte[] bytes = r.bytes((int) length, "manifest");
        int signatureLength = r.u8("signature length");
        if (signatureLength != 0 && signatureLength != SIGNATURE_LENGTH) {
            throw new MalformedUpdateException("signature of " + signatureLength + " bytes (Ed25519 is 64)");
        }
        byte[] signature = r.bytes(signatureLength, "signature");
        if (whole) {
            r.end("the offer");
        }
        return new Offer(Manifest.decode(bytes), bytes, signature);
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    /** @return the first 12 hex digits of the id, as tables show it */
    String shortId() {
        return id.substring(0, 12);
    }

    @Override
    public String toString() {
        return manifest.name + " " + manifest.version + " [" + shortId() + "]";
    }
}
