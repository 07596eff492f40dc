package org.sovereignmesh.update.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Feature files as the build writes them, read for publishing; and the JSON reader under them. */
class FeatureFileTest {
    @TempDir
    Path tmp;

    @Test
    void aFeatureFileNamesItsBundlesFoundInTheRepositoryBesideIt() throws Exception {
        Path repo = tmp.resolve("target/repository");
        Path a = TestJars.bundle(repo.resolve("org/example/a/1.0.1-SNAPSHOT"), "org.example.a", "1.0.1.SNAPSHOT", 10);
        Files.move(a, a.resolveSibling("a-1.0.1-SNAPSHOT.jar"));
        Path native_ = TestJars.bundle(repo.resolve("io/netty/netty-codec-native-quic/4.2.18.Final"), "q", "4.2.18", 10);
        Files.move(native_, native_.resolveSibling("netty-codec-native-quic-4.2.18.Final-linux-x86_64.jar"));
        Path feature = tmp.resolve("target/feature.json");
        Files.writeString(feature, """
                {
                  "feature-resource-version": "1.0",
                  "id": "org.sovereignmesh:mesh.feature.radio:osgifeature:1.0.1-SNAPSHOT",
                  "bundles": [
                    {"id": "org.example:a:1.0.1-SNAPSHOT", "org.sovereignmesh.bsn": "org.example.a"},
                    "io.netty:netty-codec-native-quic:jar:linux-x86_64:4.2.18.Final"
                  ]
                }
                """);
        FeatureFile f = FeatureFile.read(feature, null);
        assertEquals("mesh.feature.radio", f.artifactId);
        assertEquals("1.0.1.SNAPSHOT", f.osgiVersion().toString());
        assertEquals(List.of(repo.resolve("org/example/a/1.0.1-SNAPSHOT/a-1.0.1-SNAPSHOT.jar"),
                repo.resolve("io/netty/netty-codec-native-quic/4.2.18.Final/netty-codec-native-quic-4.2.18.Final-linux-x86_64.jar")),
                f.bundles);

        Files.delete(f.bundles.get(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FeatureFile.read(feature, null));
        assertTrue(e.getMessage().startsWith("bundle org.example:a:1.0.1-SNAPSHOT of feature "), e.getMessage());

        Files.writeString(feature, "{\"id\": \"org.example:x:osgifeature:1\", \"bundles\": [\"../../etc:passwd:1\"]}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FeatureFile.read(feature, null)).getMessage()
                .contains("is not group:artifact"));
        Files.writeString(feature, "{\"id\": \"org.example:x:osgifeature:1\", \"bundles\": [}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FeatureFile.read(feature, null)).getMessage()
                .contains("invalid JSON at offset"));
    }

    @Test
    void theJsonReaderIsStrict() {
        assertEquals(Map.of("a", List.of(1.0, true, "x\n\u00e9")), Json.parse("{\"a\": [1, true, \"x\\n\\u00e9\"]}"));
        for (String bad : new String[] {"", "{", "{\"a\" 1}", "[1,]", "{\"a\":1,\"a\":2}", "\"\u0001\"", "[1] 2", "nul",
                "[".repeat(100) + "]".repeat(100)}) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
    }
}
