package org.sovereignmesh.api;

import java.util.Arrays;

/**
 * The identity of a node: its Ed25519 public key.
 *
 * <p>The text form is the W3C {@code did:key} method-specific identifier: multibase base58btc ({@code z})
 * of the multicodec {@code ed25519-pub} prefix ({@code 0xed 0x01}) followed by the 32 key bytes, for example
 * {@code z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp}. {@link #toDid()} adds the {@code did:key:} scheme.
 * {@link #parse(String)} accepts both forms.
 *
 * <p>Immutable; equal when the keys are equal; ordered by key bytes (unsigned).
 */
public final class PeerId implements Comparable<PeerId> {
    /** Length in bytes of an Ed25519 public key. */
    public static final int KEY_LENGTH = 32;
    /** The {@code did:key} scheme prefix. */
    public static final String DID_KEY_PREFIX = "did:key:";

    /** multicodec 'ed25519-pub' (0xed) as an unsigned varint. */
    private static final byte[] ED25519_PUB_CODEC = {(byte) 0xed, 0x01};
    private static final char MULTIBASE_BASE58BTC = 'z';

    private final byte[] key;
    private final int hash;

    private PeerId(byte[] key) {
        this.key = key;
        this.hash = Arrays.hashCode(key);
    }

    /**
     * @param ed25519PublicKey the 32-byte Ed25519 public key (copied)
     * @throws IllegalArgumentException if the key is not 32 bytes
     */
    public static PeerId fromPublicKey(byte[] ed25519PublicKey) {
        if (ed25519PublicKey == null || ed25519PublicKey.length != KEY_LENGTH) {
            throw new IllegalArgumentException("an Ed25519 public key is " + KEY_LENGTH + " bytes, got "
                    + (ed25519PublicKey == null ? "null" : ed25519PublicKey.length));
        }
        return new PeerId(ed25519PublicKey.clone());
    }

    /**
     * Parses {@code did:key:z6Mk...} or the bare {@code z6Mk...} form.
     *
     * @throws IllegalArgumentException with the reason if the text is not an Ed25519 did:key identifier
     */
    public static PeerId parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("peer id is null");
        }
        String id = text.strip();
        if (id.startsWith(DID_KEY_PREFIX)) {
            id = id.substring(DID_KEY_PREFIX.length());
        } else if (id.startsWith("did:")) {
            throw new IllegalArgumentException("not a did:key identifier: " + text);
        }
        if (id.isEmpty() || id.charAt(0) != MULTIBASE_BASE58BTC) {
            throw new IllegalArgumentException("peer id must be multibase base58btc (start with 'z'): " + text);
        }
        byte[] decoded;
        try {
            decoded = Base58.decode(id.substring(1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("peer id is not valid base58btc: " + e.getMessage(), e);
        }
        if (decoded.length != ED25519_PUB_CODEC.length + KEY_LENGTH
                || decoded[0] != ED25519_PUB_CODEC[0] || decoded[1] != ED25519_PUB_CODEC[1]) {
            throw new IllegalArgumentException("peer id is not an ed25519-pub multikey (0xed01 + 32 bytes): " + text);
        }
        return new PeerId(Arrays.copyOfRange(decoded, ED25519_PUB_CODEC.length, decoded.length));
    }

    /** @return a copy of the 32-byte Ed25519 public key */
    public byte[] publicKey() {
        return key.clone();
    }

    /** @return {@code did:key:z6Mk...} */
    public String toDid() {
        return DID_KEY_PREFIX + toString();
    }

    /** @return a short, human-friendly abbreviation for logs and tables (not unique) */
    public String shortName() {
        String full = toString();
        return full.substring(0, 4) + "…" + full.substring(full.length() - 6);
    }

    /** @return the multibase form, {@code z6Mk...} */
    @Override
    public String toString() {
        byte[] multikey = new byte[ED25519_PUB_CODEC.length + KEY_LENGTH];
        System.arraycopy(ED25519_PUB_CODEC, 0, multikey, 0, ED25519_PUB_CODEC.length);
        System.arraycopy(key, 0, multikey, ED25519_PUB_CODEC.length, KEY_LENGTH);
        return MULTIBASE_BASE58BTC + Base58.encode(multikey);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PeerId && Arrays.equals(key, ((PeerId) other).key);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(PeerId other) {
        return Arrays.compareUnsigned(key, other.key);
    }
}
