package org.sovereignmesh.update.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Bundle jars made for tests: a manifest with the given identity and a payload of the given size. */
final class TestJars {
    private TestJars() {
    }

    static Path bundle(Path dir, String symbolicName, String version, int payloadBytes) throws IOException {
        Files.createDirectories(dir);
        Path jar = dir.resolve(symbolicName + "-" + version + ".jar");
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", version);
        byte[] payload = new byte[payloadBytes];
        new Random((symbolicName + version).hashCode()).nextBytes(payload); // incompressible: the jar is this large
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out, manifest)) {
            zip.putNextEntry(new JarEntry("payload.bin"));
            zip.write(payload);
            zip.closeEntry();
        }
        return jar;
    }
}
