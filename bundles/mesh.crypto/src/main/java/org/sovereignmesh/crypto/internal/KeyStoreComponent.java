package org.sovereignmesh.crypto.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.crypto.CryptoException;
import org.sovereignmesh.crypto.NodeKeys;

/**
 * Opens (or creates) the node's key store and offers its keys as the {@link NodeKeys} service. If the store cannot
 * be opened (wrong passphrase, damaged file) the service does not appear and the reason is logged: a node never
 * silently replaces its identity.
 */
@Component(service = NodeKeys.class, configurationPid = KeyStoreComponent.PID)
@Designate(ocd = KeyStoreComponent.Config.class)
public final class KeyStoreComponent implements NodeKeys {
    static final String PID = "org.sovereignmesh.keystore";
    static final String HOME_PROPERTY = "mesh.home";
    static final String PASSPHRASE_FILE_PROPERTY = "mesh.passphrase.file";
    static final String STORE_FILE = "keystore";
    /** The unencrypted identity file of nodes built before the key store existed. */
    static final String LEGACY_IDENTITY_FILE = "identity.key";
    private static final System.Logger LOG = System.getLogger(KeyStoreComponent.class.getName());

    @ObjectClassDefinition(name = "Sovereign Mesh key store",
            description = "Where the node's keys are kept and how they are protected.")
    @interface Config {
        @AttributeDefinition(description = "Key store file; empty: <mesh.home>/keystore.")
        String file() default "";

        @AttributeDefinition(description = "File whose first line is the passphrase; empty: the framework property "
                + "mesh.passphrase.file. The environment variable MESH_PASSPHRASE takes precedence.")
        String passphraseFile() default "";

        @AttributeDefinition(description = "Argon2id memory in KiB for a new key store.", min = "8")
        int kdfMemoryKiB() default KeyStoreFile.DEFAULT_MEMORY_KIB;

        @AttributeDefinition(description = "Argon2id passes for a new key store.", min = "1")
        int kdfIterations() default KeyStoreFile.DEFAULT_ITERATIONS;
    }

    private final LocalNodeKeys keys;

    @Activate
    public KeyStoreComponent(Config config, BundleContext context) throws IOException, CryptoException {
        String homeProperty = context.getProperty(HOME_PROPERTY);
        if (homeProperty == null || homeProperty.isBlank()) {
            throw new IllegalStateException("framework property " + HOME_PROPERTY + " (the node's data directory) is not set");
        }
        Path home = Path.of(homeProperty);
        Path store = config.file().isBlank() ? home.resolve(STORE_FILE) : Path.of(config.file());
        String passphraseFile = config.passphraseFile().isBlank() ? context.getProperty(PASSPHRASE_FILE_PROPERTY)
                : config.passphraseFile();
        try {
            keys = open(store, home, System.getenv(Passphrases.ENVIRONMENT),
                    passphraseFile == null || passphraseFile.isBlank() ? null : Path.of(passphraseFile),
                    config.kdfMemoryKiB(), config.kdfIterations());
        } catch (IOException | CryptoException e) {
            LOG.log(Level.ERROR, "the node cannot start: " + e.getMessage());
            throw e;
        }
        LOG.log(Level.INFO, "key store " + store + " opened: " + keys.peerId().toDid());
    }

    /** Opens the store, or creates it (moving a legacy plaintext identity in, else with fresh keys). */
    static LocalNodeKeys open(Path store, Path home, String environmentPassphrase, Path passphraseFile, int memoryKiB,
            int iterations) throws IOException, CryptoException {
        boolean exists = Files.exists(store);
        char[] passphrase = Passphrases.resolve(environmentPassphrase, passphraseFile, home, store, exists);
        try {
            if (exists) {
                return KeyStoreFile.read(store, passphrase);
            }
            Path legacy = home.resolve(LEGACY_IDENTITY_FILE);
            LocalNodeKeys created = Files.exists(legacy) ? importLegacy(legacy) : LocalNodeKeys.generate();
            KeyStoreFile.write(store, created, passphrase, memoryKiB, iterations);
            if (Files.exists(legacy)) {
                Files.write(legacy, new byte[(int) Files.size(legacy)]);
                Files.delete(legacy);
                LOG.log(Level.INFO, "moved the identity from " + legacy + " into the encrypted key store " + store);
            }
            return created;
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }

    /** The legacy file holds the 32-byte public key, then the PKCS#8 private key whose last 32 bytes are the seed. */
    private static LocalNodeKeys importLegacy(Path legacy) throws IOException {
        byte[] content = Files.readAllBytes(legacy);
        if (content.length < PeerId.KEY_LENGTH + LocalNodeKeys.SEED_SIZE) {
            throw new IOException("legacy identity file " + legacy + " is truncated");
        }
        LocalNodeKeys keys = LocalNodeKeys.fromSeed(Arrays.copyOfRange(content, content.length - LocalNodeKeys.SEED_SIZE,
                content.length));
        if (!Arrays.equals(keys.peerId().publicKey(), Arrays.copyOf(content, PeerId.KEY_LENGTH))) {
            throw new IOException("legacy identity file " + legacy + " is inconsistent: its key pair does not match");
        }
        Arrays.fill(content, (byte) 0);
        return keys;
    }

    @Override
    public PeerId peerId() {
        return keys.peerId();
    }

    @Override
    public byte[] sign(byte[] message) {
        return keys.sign(message);
    }

    @Override
    public byte[] keyAgreementPublicKey() {
        return keys.keyAgreementPublicKey();
    }

    @Override
    public byte[] keyAgreement(byte[] remotePublicKey) throws CryptoException {
        return keys.keyAgreement(remotePublicKey);
    }

    @Override
    public byte[] deriveSecret(String purpose, int length) {
        return keys.deriveSecret(purpose, length);
    }
}
