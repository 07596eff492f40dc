package org.sovereignmesh.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.crypto.CryptoException;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The primitives against Wycheproof (which includes the RFC 8032 Ed25519, RFC 7748 X25519 and RFC 8439
 * ChaCha20-Poly1305 test vectors, plus edge cases) and RFC 5869 HKDF.
 */
class PrimitiveVectorsTest {

    @Test
    void ed25519VerifiesExactlyTheValidSignatures() {
        int checked = 0;
        for (JsonNode[] c : Vectors.wycheproof("ed25519_test.json")) {
            byte[] publicKey = Vectors.hex(c[0].get("publicKey").get("pk"));
            JsonNode t = c[1];
            boolean expected = t.get("result").asText().equals("valid");
            boolean actual = Curves.verify(publicKey, Vectors.hex(t.get("msg")), Vectors.hex(t.get("sig")));
            assertEquals(expected, actual, "Ed25519 tcId " + t.get("tcId") + " " + t.get("comment"));
            checked++;
        }
        assertEquals(151, checked);
    }

    @Test
    void x25519AgreesWithEveryValidVectorAndRefusesLowOrderPoints() {
        int valid = 0;
        for (JsonNode[] c : Vectors.wycheproof("x25519_test.json")) {
            JsonNode t = c[1];
            byte[] privateKey = Vectors.hex(t.get("private"));
            byte[] publicKey = Vectors.hex(t.get("public"));
            byte[] shared = Vectors.hex(t.get("shared"));
            String result = t.get("result").asText();
            boolean allZero = shared.length == 32 && java.util.Arrays.equals(shared, new byte[32]);
            if (allZero) {
                assertThrows(CryptoException.class, () -> Curves.x25519(privateKey, publicKey),
                        "tcId " + t.get("tcId") + " must be refused: the shared secret is zero");
                continue;
            }
            if (result.equals("invalid")) {
                try {
                    byte[] got = Curves.x25519(privateKey, publicKey);
                    assertTrue(!java.util.Arrays.equals(got, shared), "tcId " + t.get("tcId"));
                } catch (CryptoException expected) {
                    // refusing is fine for invalid input
                }
                continue;
            }
            try {
                assertArrayEquals(shared, Curves.x25519(privateKey, publicKey), "X25519 tcId " + t.get("tcId"));
                valid++;
            } catch (CryptoException e) {
                fail("tcId " + t.get("tcId") + " (" + result + ") refused: " + e.getMessage());
            }
        }
        assertTrue(valid > 400, "checked " + valid + " agreements");
    }

    @Test
    void chaCha20Poly1305MatchesEveryVector() {
        int checked = 0;
        for (JsonNode[] c : Vectors.wycheproof("chacha20_poly1305_test.json")) {
            JsonNode t = c[1];
            byte[] key = Vectors.hex(t.get("key"));
            byte[] iv = Vectors.hex(t.get("iv"));
            if (key.length != 32 || iv.length != 12) {
                continue; // other nonce sizes are not RFC 8439 ChaCha20-Poly1305
            }
            byte[] aad = Vectors.hex(t.get("aad"));
            byte[] msg = Vectors.hex(t.get("msg"));
            byte[] sealed = concat(Vectors.hex(t.get("ct")), Vectors.hex(t.get("tag")));
            String id = "tcId " + t.get("tcId") + " " + t.get("comment");
            ChaChaPoly aead = new ChaChaPoly(); // vectors repeat key and nonce, which one cipher rightly refuses
            if (t.get("result").asText().equals("valid")) {
                assertArrayEquals(sealed, aead.encrypt(key, iv, aad, msg), id);
                try {
                    assertArrayEquals(msg, aead.decrypt(key, iv, aad, sealed, 0, sealed.length), id);
                } catch (CryptoException e) {
                    fail(id + ": " + e.getMessage());
                }
            } else {
                assertThrows(CryptoException.class, () -> aead.decrypt(key, iv, aad, sealed, 0, sealed.length), id);
            }
            checked++;
        }
        assertTrue(checked > 250, "checked " + checked);
    }

    @Test
    void hkdfSha256MatchesEveryVector() {
        int checked = 0;
        for (JsonNode[] c : Vectors.wycheproof("hkdf_sha256_test.json")) {
            JsonNode t = c[1];
            int size = t.get("size").asInt();
            byte[] ikm = Vectors.hex(t.get("ikm"));
            byte[] salt = Vectors.hex(t.get("salt"));
            byte[] info = Vectors.hex(t.get("info"));
            if (t.get("result").asText().equals("valid")) {
                assertArrayEquals(Vectors.hex(t.get("okm")), Hashes.hkdf(salt, ikm, info, size), "tcId " + t.get("tcId"));
            } else {
                assertThrows(IllegalArgumentException.class, () -> Hashes.hkdf(salt, ikm, info, size));
            }
            checked++;
        }
        assertEquals(86, checked);
    }

    static byte[] concat(byte[] a, byte[] b) {
        return XXHandshakeState.concat(a, b);
    }
}
