package org.sovereignmesh.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Every published {@code Noise_XX_25519_ChaChaPoly_SHA256} vector (cacophony, snow, noise-c): the handshake messages,
 * the handshake hash where given, and the transport messages after it, sent alternately starting with the
 * initiator.
 */
class NoiseVectorsTest {

    @ParameterizedTest
    @ValueSource(strings = {"noise-cacophony.json", "noise-snow.json", "noise-c-basic.json"})
    void reproducesThePublishedVectors(String file) throws Exception {
        List<JsonNode> vectors = new ArrayList<>();
        for (JsonNode v : Vectors.json(file).get("vectors")) {
            String name = v.has("protocol_name") ? v.get("protocol_name").asText() : v.path("name").asText();
            if (name.equals(XXHandshakeState.PROTOCOL_NAME) && !v.has("fallback") && emptyOrMissing(v, "init_psks")) {
                vectors.add(v);
            }
        }
        assertTrue(!vectors.isEmpty(), "no " + XXHandshakeState.PROTOCOL_NAME + " vector in " + file);
        for (JsonNode v : vectors) {
            run(v);
        }
    }

    private static void run(JsonNode v) throws Exception {
        XXHandshakeState initiator = new XXHandshakeState(true, Vectors.hex(v.get("init_prologue")),
                DhKey.ofPrivate(Vectors.hex(v.get("init_static"))), Vectors.hex(v.get("init_ephemeral")));
        XXHandshakeState responder = new XXHandshakeState(false, Vectors.hex(v.get("resp_prologue")),
                DhKey.ofPrivate(Vectors.hex(v.get("resp_static"))), Vectors.hex(v.get("resp_ephemeral")));
        JsonNode messages = v.get("messages");
        CipherState[] initiatorCiphers = null;
        CipherState[] responderCiphers = null;
        for (int i = 0; i < messages.size(); i++) {
            byte[] payload = Vectors.hex(messages.get(i).get("payload"));
            byte[] expected = Vectors.hex(messages.get(i).get("ciphertext"));
            boolean fromInitiator = i % 2 == 0;
            if (i < 3) {
                XXHandshakeState writer = fromInitiator ? initiator : responder;
                XXHandshakeState reader = fromInitiator ? responder : initiator;
                byte[] message = writer.writeMessage(payload);
                assertArrayEquals(expected, message, "handshake message " + i);
                assertArrayEquals(payload, reader.readMessage(message), "payload of handshake message " + i);
                if (i == 2) {
                    assertArrayEquals(initiator.handshakeHash(), responder.handshakeHash());
                    if (v.has("handshake_hash")) {
                        assertArrayEquals(Vectors.hex(v.get("handshake_hash")), initiator.handshakeHash());
                    }
                    initiatorCiphers = ciphers(initiator.split());
                    responderCiphers = ciphers(responder.split());
                }
            } else {
                // split gives [initiator-to-responder, responder-to-initiator]; both sides hold the same keys
                CipherState sending = fromInitiator ? initiatorCiphers[0] : responderCiphers[1];
                CipherState receiving = fromInitiator ? responderCiphers[0] : initiatorCiphers[1];
                byte[] message = sending.encryptWithAd(new byte[0], payload);
                assertArrayEquals(expected, message, "transport message " + i);
                assertArrayEquals(payload, receiving.decryptWithAd(new byte[0], message));
            }
        }
        assertEquals(3, Math.min(3, messages.size()));
    }

    private static CipherState[] ciphers(byte[][] keys) {
        CipherState first = new CipherState();
        first.initializeKey(keys[0]);
        CipherState second = new CipherState();
        second.initializeKey(keys[1]);
        return new CipherState[] {first, second};
    }

    private static boolean emptyOrMissing(JsonNode v, String field) {
        return !v.has(field) || v.get(field).size() == 0;
    }
}
