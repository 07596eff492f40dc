package org.sovereignmesh.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.sovereignmesh.crypto.CryptoException;
import org.sovereignmesh.crypto.NoiseHandshake;
import org.sovereignmesh.crypto.SecureSession;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Every decoder that reads bytes from the network may only answer with a {@link CryptoException}: no other
 * exception, no hang, no unbounded allocation. Under {@code mvn verify} these run the stored inputs in
 * src/test/resources (regression mode); {@code JAZZER_FUZZ=1 mvn -pl bundles/mesh.crypto test -Dtest=DecoderFuzzTest}
 * fuzzes for real.
 */
class DecoderFuzzTest {
    private static final LocalNodeKeys RECIPIENT = LocalNodeKeys.fromSeed(new byte[32]);
    private static final LocalNodeKeys SENDER = LocalNodeKeys.fromSeed(filled(7));
    private static final SealedPackets SEALED = new SealedPackets();

    @FuzzTest(maxDuration = "30s")
    void sealedPackets(byte[] input) {
        try {
            SEALED.open(RECIPIENT, input);
        } catch (CryptoException expected) {
            // the only acceptable failure
        }
    }

    @FuzzTest(maxDuration = "30s")
    void sealedPacketsWithAValidPrefix(byte[] input) {
        // mutate inside a real packet so the fuzzer reaches past the length and version checks
        byte[] sealed = SEALED.seal(SENDER, RECIPIENT.peerId(), new byte[8], 1_780_000_000_000L);
        for (int i = 0; i < input.length && i < sealed.length; i++) {
            sealed[i] ^= input[i];
        }
        try {
            SEALED.open(RECIPIENT, sealed);
            assertEquals(0, nonZero(input, sealed.length), "only an unaltered packet opens");
        } catch (CryptoException expected) {
            // altered
        }
    }

    @FuzzTest(maxDuration = "30s")
    void sessionFrames(byte[] input) {
        SecureSession session = new NoiseSession(RECIPIENT.peerId(), filled(1), filled(2));
        try {
            session.decrypt(input);
        } catch (CryptoException expected) {
            // forged or malformed
        }
    }

    @FuzzTest(maxDuration = "30s")
    void handshakeMessages(byte[] input) {
        NoiseHandshake responder = new IdentityHandshake(RECIPIENT, false, "fuzz".getBytes(StandardCharsets.US_ASCII), null);
        try {
            responder.readMessage(input);
            responder.writeMessage(new byte[0]);
            responder.readMessage(input);
        } catch (CryptoException expected) {
            // malformed or unauthenticated
        }
    }

    private static byte[] filled(int value) {
        byte[] bytes = new byte[32];
        java.util.Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static int nonZero(byte[] input, int limit) {
        int count = 0;
        for (int i = 0; i < input.length && i < limit; i++) {
            if (input[i] != 0) {
                count++;
            }
        }
        return count;
    }
}
