package org.sovereignmesh.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class PeerIdTest {

    /**
     * Every entry of the W3C did:key Ed25519 vectors: the public key (base58 or JWK form) prints as the did, and the
     * did parses back to the key.
     */
    @Test
    void printsAndParsesTheDidKeyVectors() {
        String json = VectorFiles.read("didkey-ed25519-x25519.json");
        Matcher entry = Pattern.compile("\"(did:key:z6Mk[^\"]+)\": \\{").matcher(json);
        List<Integer> starts = new ArrayList<>();
        List<String> dids = new ArrayList<>();
        while (entry.find()) {
            starts.add(entry.start());
            dids.add(entry.group(1));
        }
        starts.add(json.length());
        for (int i = 0; i < dids.size(); i++) {
            String block = json.substring(starts.get(i), starts.get(i + 1));
            String keyPair = block.substring(block.indexOf("\"verificationKeyPair\""));
            Matcher base58 = Pattern.compile("\"publicKeyBase58\": \"([^\"]+)\"").matcher(keyPair);
            Matcher jwk = Pattern.compile("\"publicKeyJwk\": \\{[^}]*\"x\": \"([^\"]+)\"").matcher(keyPair);
            byte[] key = base58.find() ? Base58.decode(base58.group(1))
                    : jwk.find() ? Base64.getUrlDecoder().decode(jwk.group(1)) : null;
            assertNotNull(key, "no public key in vector " + dids.get(i));
            PeerId fromKey = PeerId.fromPublicKey(key);
            assertEquals(dids.get(i), fromKey.toDid());
            assertEquals(dids.get(i).substring("did:key:".length()), fromKey.toString());
            assertEquals(fromKey, PeerId.parse(dids.get(i)));
            assertEquals(fromKey, PeerId.parse(fromKey.toString()));
        }
        assertEquals(5, dids.size(), "Ed25519 entries in the vector file");
    }

    @Test
    void valueSemantics() {
        byte[] key = new byte[32];
        key[0] = 1;
        PeerId a = PeerId.fromPublicKey(key);
        key[0] = 2; // the peer id keeps its own copy
        PeerId b = PeerId.fromPublicKey(key);
        assertNotEquals(a, b);
        assertEquals(1, a.publicKey()[0]);
        assertTrue(a.compareTo(b) < 0);
        assertEquals(a, PeerId.fromPublicKey(a.publicKey()));
        assertEquals(a.hashCode(), PeerId.fromPublicKey(a.publicKey()).hashCode());
    }

    @Test
    void rejectsWhatIsNotAnEd25519DidKey() {
        assertEquals("an Ed25519 public key is 32 bytes, got 31",
                assertThrows(IllegalArgumentException.class, () -> PeerId.fromPublicKey(new byte[31])).getMessage());
        assertThrows(IllegalArgumentException.class, () -> PeerId.parse(null));
        assertThrows(IllegalArgumentException.class, () -> PeerId.parse(""));
        assertThrows(IllegalArgumentException.class, () -> PeerId.parse("did:web:example.org"));
        assertThrows(IllegalArgumentException.class, () -> PeerId.parse("f0102"));
        // an X25519 key-agreement multikey (z6LS...) is valid base58 but the wrong multicodec
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PeerId.parse("z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW"));
        assertTrue(e.getMessage().contains("not an ed25519-pub multikey"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PeerId.parse("z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3dj"));
    }
}
