package org.sovereignmesh.update.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.framework.Version;

/**
 * A feature in the OSGi Feature 1.0 JSON format (what the build writes to {@code features/<name>/target/feature.json}),
 * read for publishing: its id and the jars of its bundles, found in a repository folder in Maven layout (the build
 * puts one beside the feature file: {@code target/repository}).
 */
final class FeatureFile {
    static final long MAX_SIZE = 1 << 20;

    final String groupId;
    final String artifactId;
    final String version;
    final List<Path> bundles;

    private FeatureFile(String groupId, String artifactId, String version, List<Path> bundles) {
        this.groupId = groupId;
        this.artifactId = artifactId;
        this.version = version;
        this.bundles = List.copyOf(bundles);
    }

    /**
     * @param repository folder in Maven layout holding the bundles; null: {@code repository/} beside the file
     * @throws IllegalArgumentException saying what is wrong with the file or which bundle is missing
     */
    static FeatureFile read(Path file, Path repository) throws IOException {
        if (Files.size(file) > MAX_SIZE) {
            throw new IllegalArgumentException(file + " is larger than a feature file can be (1 MiB)");
        }
        Object parsed;
        try {
            parsed = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> json) || !(json.get("id") instanceof String id)) {
            throw new IllegalArgumentException(file + " is not a feature: no \"id\"");
        }
        Coordinates feature = Coordinates.parse(id, file + ": feature id");
        if (!(json.get("bundles") instanceof List<?> entries) || entries.isEmpty()) {
            throw new IllegalArgumentException(file + ": the feature lists no \"bundles\"");
        }
        Path repo = repository != null ? repository : file.toAbsolutePath().getParent().resolve("repository");
        List<Path> jars = new ArrayList<>();
        for (Object entry : entries) {
            Object bundleId = entry instanceof Map<?, ?> m ? m.get("id") : entry;
            if (!(bundleId instanceof String text)) {
                throw new IllegalArgumentException(file + ": a bundle entry has no \"id\"");
            }
            Path jar = repo.resolve(Coordinates.parse(text, file + ": bundle id").repositoryPath());
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException("bundle " + text + " of feature " + id + " is not in " + repo
                        + " (looked for " + jar + ")");
            }
            jars.add(jar);
        }
        return new FeatureFile(feature.groupId, feature.artifactId, feature.version, jars);
    }

    /** The feature's version as an OSGi version: Maven's 1.0.1-SNAPSHOT becomes 1.0.1.SNAPSHOT. */
    Version osgiVersion() {
        Matcher m = MAVEN_VERSION.matcher(version);
        if (!m.matches()) {
            throw new IllegalArgumentException("feature version " + version + " does not start with a number; give -v");
        }
        return new Version(Integer.parseInt(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), m.group(4).replaceAll("[^A-Za-z0-9_-]", "_"));
    }

    private static final Pattern MAVEN_VERSION = Pattern.compile("(\\d{1,9})(?:\\.(\\d{1,9}))?(?:\\.(\\d{1,9}))?[.-]?(.*)");

    /** Maven coordinates as the Feature format writes them: {@code group:artifact[:type[:classifier]]:version}. */
    record Coordinates(String groupId, String artifactId, String type, String classifier, String version) {
        static Coordinates parse(String id, String what) {
            String[] p = id.split(":");
            for (String part : p) {
                if (part.isEmpty() || part.contains("/") || part.contains("\\") || part.equals("..")) {
                    throw new IllegalArgumentException(what + " '" + id + "' is not group:artifact[:type[:classifier]]:version");
                }
            }
            return switch (p.length) {
                case 3 -> new Coordinates(p[0], p[1], "jar", "", p[2]);
                case 4 -> new Coordinates(p[0], p[1], p[2], "", p[3]);
                case 5 -> new Coordinates(p[0], p[1], p[2], p[3], p[4]);
                default -> throw new IllegalArgumentException(what + " '" + id
                        + "' is not group:artifact[:type[:classifier]]:version");
            };
        }

        Path repositoryPath() {
            return Path.of(groupId.replace('.', '/'), artifactId, version,
                    artifactId + "-" + version + (classifier.isEmpty() ? "" : "-" + classifier) + "." + type);
        }
    }
}
