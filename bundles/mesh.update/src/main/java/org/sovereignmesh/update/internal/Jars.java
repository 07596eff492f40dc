package org.sovereignmesh.update.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import org.osgi.framework.Version;

/** What the update agent needs to know about a bundle jar, read without loading it. */
final class Jars {
    private Jars() {
    }

    /** A bundle's identity as its manifest states it. */
    record Identity(String symbolicName, Version version) {
        @Override
        public String toString() {
            return symbolicName + " " + version;
        }
    }

    /**
     * @throws IllegalArgumentException if the file is not a jar with a Bundle-SymbolicName and a valid version
     */
    static Identity identity(Path jar) throws IOException {
        Manifest manifest;
        try (JarFile file = new JarFile(jar.toFile())) {
            manifest = file.getManifest();
        } catch (java.util.zip.ZipException e) {
            throw new IllegalArgumentException(jar + " is not a jar: " + e.getMessage());
        }
        if (manifest == null) {
            throw new IllegalArgumentException(jar + " has no manifest: not a bundle");
        }
        Attributes main = manifest.getMainAttributes();
        String bsn = main.getValue("Bundle-SymbolicName");
        if (bsn == null || bsn.isBlank()) {
            throw new IllegalArgumentException(jar + " has no Bundle-SymbolicName: not a bundle");
        }
        String version = main.getValue("Bundle-Version");
        try {
            return new Identity(bsn.split(";")[0].strip(), Version.parseVersion(version == null ? "0" : version.strip()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(jar + " has an invalid Bundle-Version '" + version + "'");
        }
    }

    /** SHA-256 of the whole file and of each {@code chunkSize} piece of it. */
    record Hashes(long size, byte[] sha256, byte[][] chunks) {
        String sha256Hex() {
            return HexFormat.of().formatHex(sha256);
        }
    }

    static Hashes hashes(Path file, int chunkSize) throws IOException {
        long size = Files.size(file);
        int count = org.sovereignmesh.update.internal.Manifest.chunkCount(size, chunkSize);
        byte[][] chunks = new byte[count][];
        MessageDigest whole = sha256();
        byte[] buffer = new byte[chunkSize];
        try (InputStream in = Files.newInputStream(file)) {
            for (int c = 0; c < count; c++) {
                int length = in.readNBytes(buffer, 0, (int) Math.min(chunkSize, size - (long) c * chunkSize));
                MessageDigest piece = sha256();
                piece.update(buffer, 0, length);
                chunks[c] = piece.digest();
                whole.update(buffer, 0, length);
            }
        }
        return new Hashes(size, whole.digest(), chunks);
    }

    static String sha256Hex(Path file) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[65536];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }
}
