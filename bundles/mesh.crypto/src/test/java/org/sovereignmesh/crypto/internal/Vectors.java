package org.sovereignmesh.crypto.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads the published vector files copied into src/test/resources/vectors (see SOURCES.md there). */
final class Vectors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Vectors() {
    }

    static JsonNode json(String name) {
        try (InputStream in = Vectors.class.getResourceAsStream("/vectors/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing vector file " + name);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every test case of a Wycheproof file, with its group. */
    static List<JsonNode[]> wycheproof(String name) {
        List<JsonNode[]> cases = new ArrayList<>();
        for (JsonNode group : json(name).get("testGroups")) {
            for (JsonNode test : group.get("tests")) {
                cases.add(new JsonNode[] {group, test});
            }
        }
        return cases;
    }

    static byte[] hex(JsonNode node) {
        return HexFormat.of().parseHex(node.asText());
    }

    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text);
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
