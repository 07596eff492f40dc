package org.sovereignmesh.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Iterator;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.PeerId;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The W3C did:key Ed25519 vectors: seed to did:key, and the X25519 key-agreement key derived from it (the key sealed
 * packets are encrypted to), from the private seed and from the public key alone.
 */
class DidKeyVectorsTest {

    @Test
    void seedsGiveTheirDidAndKeyAgreementKeys() {
        JsonNode vectors = Vectors.json("didkey-ed25519-x25519.json");
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = vectors.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode agreement = entry.getValue().get("keyAgreementKeyPair");
            if (agreement == null || agreement.get("publicKeyBase58") == null) {
                continue; // the JWK-form entry has no base58 key-agreement pair
            }
            LocalNodeKeys keys = LocalNodeKeys.fromSeed(Vectors.hex(entry.getValue().get("seed")));
            assertEquals(entry.getKey(), keys.peerId().toDid());
            byte[] expectedX25519Public = base58(agreement.get("publicKeyBase58").asText());
            assertArrayEquals(expectedX25519Public, keys.keyAgreementPublicKey(), entry.getKey());
            assertArrayEquals(expectedX25519Public, Curves.x25519PublicFromEd25519(keys.peerId().publicKey()));
            byte[] expectedPrivate = base58(agreement.get("privateKeyBase58").asText());
            org.bouncycastle.math.ec.rfc7748.X25519.clampPrivateKey(expectedPrivate);
            assertArrayEquals(expectedPrivate, Curves.x25519PrivateFromEd25519(Vectors.hex(entry.getValue().get("seed"))));
            checked++;
        }
        assertEquals(4, checked);
    }

    /** Decodes a bare base58 (bitcoin alphabet) 32-byte key, as the vector file writes them. */
    private static byte[] base58(String text) {
        java.math.BigInteger value = java.math.BigInteger.ZERO;
        String alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
        for (char ch : text.toCharArray()) {
            value = value.multiply(java.math.BigInteger.valueOf(58)).add(java.math.BigInteger.valueOf(alphabet.indexOf(ch)));
        }
        byte[] magnitude = value.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(32, magnitude.length);
        System.arraycopy(magnitude, magnitude.length - copy, out, 32 - copy, copy);
        return out;
    }

    @Test
    void peerIdsRoundTripThroughTheConversion() {
        for (int i = 0; i < 50; i++) {
            LocalNodeKeys keys = LocalNodeKeys.generate();
            assertArrayEquals(keys.keyAgreementPublicKey(), Curves.x25519PublicFromEd25519(keys.peerId().publicKey()));
            assertEquals(keys.peerId(), PeerId.parse(keys.peerId().toDid()));
        }
    }
}
