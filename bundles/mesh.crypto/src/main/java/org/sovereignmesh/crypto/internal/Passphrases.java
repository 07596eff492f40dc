package org.sovereignmesh.crypto.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Where the key store's passphrase comes from, in order: the environment variable {@value #ENVIRONMENT}, a
 * passphrase file (configured), or, for a node started without any setup, a random machine secret kept beside the
 * key store ({@value #MACHINE_SECRET}, owner-only). The last protects against copying the key store alone, not
 * against someone who can read the whole data directory; a warning says so.
 */
final class Passphrases {
    static final String ENVIRONMENT = "MESH_PASSPHRASE";
    static final String MACHINE_SECRET = "keystore.secret";
    private static final System.Logger LOG = System.getLogger(Passphrases.class.getName());

    private Passphrases() {
    }

    /**
     * @param environmentValue the value of {@value #ENVIRONMENT}, or null
     * @param passphraseFile   a configured passphrase file, or null
     * @param storeExists      whether the key store exists already (then a machine secret is never invented)
     */
    static char[] resolve(String environmentValue, Path passphraseFile, Path home, Path store, boolean storeExists)
            throws IOException {
        if (environmentValue != null && !environmentValue.isEmpty()) {
            return environmentValue.toCharArray();
        }
        if (passphraseFile != null) {
            if (!Files.isReadable(passphraseFile)) {
                throw new IOException("passphrase file " + passphraseFile + " cannot be read");
            }
            warnIfShared(passphraseFile);
            String content = Files.readString(passphraseFile, StandardCharsets.UTF_8);
            String firstLine = content.lines().findFirst().orElse("");
            if (firstLine.isEmpty()) {
                throw new IOException("passphrase file " + passphraseFile + " is empty");
            }
            return firstLine.toCharArray();
        }
        Path secret = home.resolve(MACHINE_SECRET);
        if (Files.exists(secret)) {
            return Files.readString(secret, StandardCharsets.US_ASCII).strip().toCharArray();
        }
        if (storeExists) {
            throw new IOException("key store " + store + " is protected by a passphrase: set " + ENVIRONMENT
                    + " or the passphrase file (framework property mesh.passphrase.file)");
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        char[] generated = HexFormat.of().formatHex(random).toCharArray();
        KeyStoreFile.writePrivately(secret, new String(generated).getBytes(StandardCharsets.US_ASCII));
        LOG.log(Level.WARNING, "no passphrase given: the key store is locked with a random secret in " + secret
                + ", which protects a copied key store but not a copied data directory; set " + ENVIRONMENT
                + " before the first start to use a passphrase instead");
        return generated;
    }

    private static void warnIfShared(Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.log(Level.WARNING, "passphrase file " + file + " is readable by other users; chmod 600 it");
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
    }
}
