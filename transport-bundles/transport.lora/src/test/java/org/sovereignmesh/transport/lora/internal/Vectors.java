package org.sovereignmesh.transport.lora.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the published vector files copied to src/test/resources/vectors (see SOURCES.md there). */
final class Vectors {
    private Vectors() {
    }

    /** @return the data lines of {@code file}: comment lines ({@code #}) and the header line dropped */
    static List<String[]> rows(String file, String separator) throws IOException {
        try (InputStream in = Vectors.class.getResourceAsStream("/vectors/" + file)) {
            if (in == null) {
                throw new IOException("missing test vector file " + file);
            }
            List<String[]> rows = new ArrayList<>();
            boolean header = true;
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (header) {
                    header = false;
                    continue;
                }
                rows.add(line.trim().split(separator));
            }
            return rows;
        }
    }
}
