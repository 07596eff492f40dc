package org.sovereignmesh.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sovereignmesh.crypto.CryptoException;

class KeyStoreTest {
    // small Argon2id settings keep the tests quick; the defaults are exercised by the component test
    private static final int MEMORY = 64;
    private static final int PASSES = 1;

    @TempDir
    Path home;

    @Test
    void keysSurviveTheRoundTripAndTheFileIsPrivateAndOpaque() throws Exception {
        Path store = home.resolve("keystore");
        LocalNodeKeys keys = LocalNodeKeys.generate();
        KeyStoreFile.write(store, keys, "correct horse".toCharArray(), MEMORY, PASSES);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store)));
        assertEquals(keys.peerId(), KeyStoreFile.read(store, "correct horse".toCharArray()).peerId());
        byte[] content = Files.readAllBytes(store);
        byte[] seed = keys.seed();
        for (int i = 0; i + 8 <= content.length; i++) {
            assertTrue(!Arrays.equals(Arrays.copyOfRange(content, i, i + 8), Arrays.copyOf(seed, 8)),
                    "the seed is not stored in clear");
        }
    }

    @Test
    void aWrongPassphraseGivesAClearError() throws Exception {
        Path store = home.resolve("keystore");
        KeyStoreFile.write(store, LocalNodeKeys.generate(), "right".toCharArray(), MEMORY, PASSES);
        CryptoException e = assertThrows(CryptoException.class, () -> KeyStoreFile.read(store, "wrong".toCharArray()));
        assertEquals("wrong passphrase for key store " + store + " (or the file was altered)", e.getMessage());
    }

    @Test
    void damagedFilesAreReportedNotReplaced() throws Exception {
        Path store = home.resolve("keystore");
        KeyStoreFile.write(store, LocalNodeKeys.generate(), "pw".toCharArray(), MEMORY, PASSES);
        byte[] content = Files.readAllBytes(store);
        Files.write(store, Arrays.copyOf(content, content.length - 3));
        IOException truncated = assertThrows(IOException.class, () -> KeyStoreFile.read(store, "pw".toCharArray()));
        assertTrue(truncated.getMessage().contains("damaged"), truncated.getMessage());
        byte[] hostile = content.clone();
        hostile[6] = 0x7f; // absurd Argon2 memory: refused before any work
        Files.write(store, hostile);
        IOException parameters = assertThrows(IOException.class, () -> KeyStoreFile.read(store, "pw".toCharArray()));
        assertTrue(parameters.getMessage().contains("damaged key-derivation parameters"), parameters.getMessage());
        byte[] flipped = content.clone();
        flipped[flipped.length - 1] ^= 1;
        Files.write(store, flipped);
        assertThrows(CryptoException.class, () -> KeyStoreFile.read(store, "pw".toCharArray()));
    }

    @Test
    void withoutAPassphraseAMachineSecretIsCreatedOnceAndThenRequired() throws Exception {
        Path store = home.resolve("keystore");
        LocalNodeKeys first = KeyStoreComponent.open(store, home, null, null, MEMORY, PASSES);
        Path secret = home.resolve(Passphrases.MACHINE_SECRET);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
        assertEquals(first.peerId(), KeyStoreComponent.open(store, home, null, null, MEMORY, PASSES).peerId());
        Files.delete(secret);
        IOException locked = assertThrows(IOException.class,
                () -> KeyStoreComponent.open(store, home, null, null, MEMORY, PASSES));
        assertTrue(locked.getMessage().contains("set MESH_PASSPHRASE"), locked.getMessage());
        assertTrue(Files.exists(store), "the key store is never replaced");
    }

    @Test
    void aPassphraseFromTheEnvironmentOrAFileProtectsTheStore() throws Exception {
        Path store = home.resolve("keystore");
        LocalNodeKeys keys = KeyStoreComponent.open(store, home, "from-env", null, MEMORY, PASSES);
        Path file = home.resolve("passphrase.txt");
        Files.writeString(file, "from-env\nignored second line\n");
        assertEquals(keys.peerId(), KeyStoreComponent.open(store, home, null, file, MEMORY, PASSES).peerId());
        assertThrows(CryptoException.class, () -> KeyStoreComponent.open(store, home, "other", null, MEMORY, PASSES));
        assertTrue(!Files.exists(home.resolve(Passphrases.MACHINE_SECRET)));
    }

    @Test
    void aLegacyPlaintextIdentityIsMovedIntoTheStore() throws Exception {
        // the format nodes wrote before the key store: public key, then the PKCS#8 private key (JDK Ed25519)
        var pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] x509 = pair.getPublic().getEncoded();
        byte[] publicKey = Arrays.copyOfRange(x509, x509.length - 32, x509.length);
        Path legacy = home.resolve(KeyStoreComponent.LEGACY_IDENTITY_FILE);
        Files.write(legacy, XXHandshakeState.concat(publicKey, pair.getPrivate().getEncoded()));
        LocalNodeKeys keys = KeyStoreComponent.open(home.resolve("keystore"), home, "pw", null, MEMORY, PASSES);
        assertEquals(org.sovereignmesh.api.PeerId.fromPublicKey(publicKey), keys.peerId());
        assertTrue(!Files.exists(legacy), "the plaintext file is gone");
        assertEquals(keys.peerId(), KeyStoreFile.read(home.resolve("keystore"), "pw".toCharArray()).peerId());
    }

    @Test
    void derivedSecretsDependOnPurposeAndIdentity() {
        LocalNodeKeys a = LocalNodeKeys.generate();
        LocalNodeKeys b = LocalNodeKeys.generate();
        assertEquals(32, a.deriveSecret("db", 32).length);
        assertTrue(Arrays.equals(a.deriveSecret("db", 32), a.deriveSecret("db", 32)));
        assertTrue(!Arrays.equals(a.deriveSecret("db", 32), a.deriveSecret("other", 32)));
        assertTrue(!Arrays.equals(a.deriveSecret("db", 32), b.deriveSecret("db", 32)));
        assertTrue(new String(a.deriveSecret("db", 16), StandardCharsets.ISO_8859_1).length() == 16);
    }
}
