import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The build's feature tool: features are written once (the dependencies of a {@code features/<name>/pom.xml}) and
 * everything else is derived from them or checked against them. Run by Maven as a single-file Java program
 * ({@code java cnf/tools/Features.java <command> ...}); see README.md, "Features and runtimes".
 *
 * <ul>
 * <li>{@code feature}: turns a feature module's direct dependencies ({@code dependency:list} output) into
 * {@code target/feature.json} (OSGi Feature Service 1.0 format) and {@code target/repository} (the feature's
 * bundles in Maven repository layout, so the feature can be published as an update as it is).</li>
 * <li>{@code runrequires}: for each {@code runtime/*.bndrun}, writes {@code target/<name>.features.bnd}, requiring
 * every bundle of the features the bndrun names in {@code mesh.features}.</li>
 * <li>{@code check}: after bnd resolved the runtimes, fails unless each runtime's {@code -runbundles} are exactly
 * the bundles of its features: nothing missing, nothing pulled in that no feature lists, the same versions.</li>
 * </ul>
 */
public final class Features {
    static final String KEY_BSN = "org.sovereignmesh.bsn";
    static final String KEY_VERSION = "org.sovereignmesh.version";
    static final String KEY_SHA256 = "org.sovereignmesh.sha256";
    static final String EXTENSION_REQUIRES = "org.sovereignmesh.requires";
    static final String FEATURE_PREFIX = "mesh.feature.";

    public static void main(String[] args) {
        try {
            Map<String, String> options = options(args);
            switch (args.length == 0 ? "" : args[0]) {
                case "feature" -> feature(options);
                case "runrequires" -> runRequires(options);
                case "check" -> check(options);
                default -> throw new BuildFailure("usage: Features feature|runrequires|check key=value...");
            }
        } catch (BuildFailure e) {
            System.err.println("[features] " + e.getMessage());
            System.exit(1);
        } catch (IOException | UncheckedIOException e) {
            System.err.println("[features] " + e);
            System.exit(1);
        }
    }

    // ------------------------------------------------------------------ feature

    /** One line of {@code dependency:list}: {@code g:a:type[:classifier]:version:scope:path[ -- module ...]}. */
    record Dependency(String groupId, String artifactId, String type, String classifier, String version, Path file) {
        static Dependency parse(String line) {
            String text = line.strip();
            int module = text.indexOf(" -- ");
            if (module >= 0) {
                text = text.substring(0, module);
            }
            String[] f = text.split(":");
            if (f.length == 6) {
                return new Dependency(f[0], f[1], f[2], "", f[3], Path.of(f[5]));
            }
            if (f.length == 7) {
                return new Dependency(f[0], f[1], f[2], f[3], f[4], Path.of(f[6]));
            }
            throw new BuildFailure("cannot read dependency line '" + line + "'");
        }

        /** The OSGi Feature (Maven coordinates) form: {@code g:a[:type[:classifier]]:version}. */
        String id() {
            if (classifier.isEmpty()) {
                return groupId + ":" + artifactId + (type.equals("jar") ? "" : ":" + type) + ":" + version;
            }
            return groupId + ":" + artifactId + ":" + type + ":" + classifier + ":" + version;
        }

        Path repositoryPath() {
            return Path.of(groupId.replace('.', '/'), artifactId, version,
                    artifactId + "-" + version + (classifier.isEmpty() ? "" : "-" + classifier) + "." + type);
        }
    }

    static void feature(Map<String, String> o) throws IOException {
        Path list = Path.of(required(o, "dependencies"));
        Path target = Path.of(required(o, "target"));
        String id = required(o, "groupId") + ":" + required(o, "artifactId") + ":osgifeature:" + required(o, "version");
        List<Dependency> bundles = new ArrayList<>();
        List<String> requires = new ArrayList<>();
        for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
            if (!line.startsWith("   ") || line.isBlank()) {
                continue; // the plugin's heading
            }
            Dependency d = Dependency.parse(line);
            if (d.type.equals("pom")) {
                if (!d.artifactId.startsWith(FEATURE_PREFIX)) {
                    throw new BuildFailure(id + ": pom dependency " + d.id() + " is not a feature (" + FEATURE_PREFIX + "*)");
                }
                requires.add(d.groupId + ":" + d.artifactId + ":osgifeature:" + d.version);
            } else {
                bundles.add(d);
            }
        }
        if (bundles.isEmpty()) {
            throw new BuildFailure(id + ": the feature lists no bundles");
        }
        Path repository = target.resolve("repository");
        deleteTree(repository);
        StringBuilder json = new StringBuilder();
        json.append("{\n");
        field(json, "feature-resource-version", "1.0", 1);
        field(json, "id", id, 1);
        field(json, "name", required(o, "name"), 1);
        field(json, "description", required(o, "description").replaceAll("\\s+", " ").strip(), 1);
        field(json, "vendor", "Sovereign Mesh", 1);
        field(json, "license", "Apache-2.0", 1);
        json.append("  \"complete\": ").append(requires.isEmpty()).append(",\n");
        json.append("  \"bundles\": [\n");
        Set<String> names = new TreeSet<>();
        for (int i = 0; i < bundles.size(); i++) {
            Dependency d = bundles.get(i);
            if (!Files.isRegularFile(d.file) || !d.file.toString().endsWith(".jar")) {
                throw new BuildFailure(id + ": " + d.id() + " resolved to " + d.file
                        + ", not a jar; build with 'package' or a later phase");
            }
            String[] bundle = bundleIdentity(d.file);
            if (bundle == null) {
                throw new BuildFailure(id + ": " + d.id() + " (" + d.file.getFileName()
                        + ") is not an OSGi bundle (no Bundle-SymbolicName): re-bundle it or leave it out");
            }
            if (!names.add(bundle[0])) {
                throw new BuildFailure(id + ": two dependencies are bundle " + bundle[0]);
            }
            Path copy = repository.resolve(d.repositoryPath());
            Files.createDirectories(copy.getParent());
            Files.copy(d.file, copy, StandardCopyOption.REPLACE_EXISTING);
            json.append("    {\"id\": ").append(quote(d.id()))
                    .append(", ").append(quote(KEY_BSN)).append(": ").append(quote(bundle[0]))
                    .append(", ").append(quote(KEY_VERSION)).append(": ").append(quote(bundle[1]))
                    .append(", ").append(quote(KEY_SHA256)).append(": ").append(quote(sha256(d.file)))
                    .append("}").append(i + 1 < bundles.size() ? ",\n" : "\n");
        }
        json.append("  ]");
        if (!requires.isEmpty()) {
            json.append(",\n  \"extensions\": {\n    ").append(quote(EXTENSION_REQUIRES))
                    .append(": {\"kind\": \"optional\", \"type\": \"artifacts\", \"artifacts\": [");
            for (int i = 0; i < requires.size(); i++) {
                json.append(i == 0 ? "" : ", ").append("{\"id\": ").append(quote(requires.get(i))).append("}");
            }
            json.append("]}\n  }");
        }
        json.append("\n}\n");
        Files.writeString(target.resolve("feature.json"), json, StandardCharsets.UTF_8);
    }

    /** @return {Bundle-SymbolicName without directives, Bundle-Version (0.0.0 if absent)}, or null if no bundle */
    static String[] bundleIdentity(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            if (file.getManifest() == null) {
                return null;
            }
            Attributes main = file.getManifest().getMainAttributes();
            String bsn = main.getValue("Bundle-SymbolicName");
            if (bsn == null) {
                return null;
            }
            String version = main.getValue("Bundle-Version");
            return new String[] {bsn.split(";")[0].strip(), version == null ? "0.0.0" : version.strip()};
        }
    }

    // ------------------------------------------------------------------ runtimes

    /** A feature as the runtime steps read it back from its feature.json. */
    record Feature(String name, String id, Map<String, String> bundles, List<String> requires) {
    }

    static void runRequires(Map<String, String> o) throws IOException {
        Path runtime = Path.of(required(o, "runtime"));
        Path target = Path.of(required(o, "target"));
        Files.createDirectories(target);
        for (Path bndrun : bndruns(runtime)) {
            String name = baseName(bndrun);
            Map<String, Feature> features = featuresOf(bndrun, Path.of(required(o, "features")));
            Map<String, String> bundles = union(name, features);
            StringBuilder out = new StringBuilder();
            out.append("# Generated by cnf/tools/Features.java from the features ").append(String.join(", ",
                    features.keySet())).append(" (").append(bndrun.getFileName()).append(": mesh.features).\n")
                    .append("# Do not edit: change the features' pom.xml instead.\n")
                    .append("-runrequires: \\\n");
            List<String> names = new ArrayList<>(bundles.keySet());
            for (int i = 0; i < names.size(); i++) {
                out.append("    bnd.identity;id='").append(names.get(i)).append("'")
                        .append(i + 1 < names.size() ? ",\\\n" : "\n");
            }
            Files.writeString(target.resolve(name + ".features.bnd"), out, StandardCharsets.UTF_8);
        }
    }

    static void check(Map<String, String> o) throws IOException {
        Path runtime = Path.of(required(o, "runtime"));
        Path target = Path.of(required(o, "target"));
        List<String> problems = new ArrayList<>();
        for (Path bndrun : bndruns(runtime)) {
            String name = baseName(bndrun);
            Map<String, Feature> features = featuresOf(bndrun, Path.of(required(o, "features")));
            Map<String, String> expected = union(name, features);
            Path resolved = target.resolve(bndrun.getFileName());
            if (!Files.isRegularFile(resolved)) {
                throw new BuildFailure("runtime " + name + ": " + resolved + " is missing; bnd did not resolve it");
            }
            Map<String, String> runBundles = runBundles(resolved);
            for (Map.Entry<String, String> e : runBundles.entrySet()) {
                String wanted = expected.get(e.getKey());
                if (wanted == null) {
                    problems.add("runtime " + name + " resolves bundle " + e.getKey() + " " + e.getValue()
                            + ", which none of its features (" + String.join(", ", features.keySet())
                            + ") lists: add it to one of their pom.xml, or find out why it is needed");
                } else if (!floor(wanted).equals(e.getValue())) {
                    problems.add("runtime " + name + " resolves " + e.getKey() + " " + e.getValue()
                            + " but its feature lists version " + wanted);
                }
            }
            for (String bsn : expected.keySet()) {
                if (!runBundles.containsKey(bsn)) {
                    problems.add("runtime " + name + " lacks " + bsn + " of its features");
                }
            }
            // quiet when they agree
        }
        if (!problems.isEmpty()) {
            throw new BuildFailure("runtimes and features disagree:\n  " + String.join("\n  ", problems));
        }
    }

    /** The features named by the bndrun's {@code mesh.features} property, each with the features it requires. */
    static Map<String, Feature> featuresOf(Path bndrun, Path featuresDir) throws IOException {
        String names = bndProperty(bndrun, "mesh.features");
        if (names == null || names.isBlank()) {
            throw new BuildFailure(bndrun + " names no features: add 'mesh.features: core, ...'");
        }
        Map<String, Feature> features = new LinkedHashMap<>();
        for (String name : names.split(",")) {
            Feature f = readFeature(name.strip(), featuresDir);
            features.put(f.name, f);
        }
        Set<String> ids = new TreeSet<>();
        features.values().forEach(f -> ids.add(f.id));
        for (Feature f : features.values()) {
            for (String required : f.requires) {
                if (!ids.contains(required)) {
                    throw new BuildFailure(bndrun.getFileName() + ": feature " + f.name + " requires " + required
                            + ", which is not among mesh.features (" + names.strip() + ")");
                }
            }
        }
        return features;
    }

    static Feature readFeature(String name, Path featuresDir) throws IOException {
        Path file = featuresDir.resolve(name).resolve("target").resolve("feature.json");
        if (!Files.isRegularFile(file)) {
            throw new BuildFailure("feature " + name + ": no " + file + " (is features/" + name
                    + " a module, and was it built? use -am)");
        }
        Map<?, ?> json = (Map<?, ?>) new Json(Files.readString(file, StandardCharsets.UTF_8)).value();
        Map<String, String> bundles = new TreeMap<>();
        for (Object b : (List<?>) json.get("bundles")) {
            Map<?, ?> bundle = (Map<?, ?>) b;
            bundles.put((String) bundle.get(KEY_BSN), (String) bundle.get(KEY_VERSION));
        }
        List<String> requires = new ArrayList<>();
        Map<?, ?> extensions = (Map<?, ?>) json.get("extensions");
        if (extensions != null && extensions.get(EXTENSION_REQUIRES) != null) {
            for (Object a : (List<?>) ((Map<?, ?>) extensions.get(EXTENSION_REQUIRES)).get("artifacts")) {
                requires.add((String) ((Map<?, ?>) a).get("id"));
            }
        }
        return new Feature(name, (String) json.get("id"), bundles, requires);
    }

    /** Bundle names and versions of all features; a bundle in two features must have one version. */
    static Map<String, String> union(String runtime, Map<String, Feature> features) {
        Map<String, String> all = new TreeMap<>();
        for (Feature f : features.values()) {
            for (Map.Entry<String, String> b : f.bundles.entrySet()) {
                String other = all.putIfAbsent(b.getKey(), b.getValue());
                if (other != null && !other.equals(b.getValue())) {
                    throw new BuildFailure("runtime " + runtime + ": features disagree on " + b.getKey()
                            + " (" + other + " and " + b.getValue() + ")");
                }
            }
        }
        return all;
    }

    /** {@code -runbundles} of a resolved bndrun: name -> lower bound of the version range. */
    static Map<String, String> runBundles(Path resolved) throws IOException {
        String value = bndProperty(resolved, "-runbundles");
        Map<String, String> bundles = new TreeMap<>();
        if (value == null) {
            return bundles;
        }
        for (String entry : value.split(",(?=[^,;]+;version=)")) {
            String e = entry.strip();
            if (e.isEmpty()) {
                continue;
            }
            String bsn = e.split(";")[0].strip();
            String version = e.replaceAll(".*version='?\\[([^,]+),.*", "$1");
            bundles.put(bsn, version);
        }
        return bundles;
    }

    /** The first three parts of an OSGi version, as bnd writes range floors: 4.2.18.Final -> 4.2.18. */
    static String floor(String version) {
        String[] parts = version.split("\\.");
        StringBuilder s = new StringBuilder(parts[0]);
        for (int i = 1; i < 3; i++) {
            s.append('.').append(i < parts.length ? parts[i] : "0");
        }
        return s.toString();
    }

    /** Reads one property of a bnd file (properties syntax, backslash continuations), or null. */
    static String bndProperty(Path file, String key) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.startsWith(key + ":") && !line.startsWith(key + "=") && !line.startsWith(key + " ")) {
                continue;
            }
            StringBuilder value = new StringBuilder(line.substring(key.length()).replaceFirst("^\\s*[:=]?\\s*", ""));
            while (value.length() > 0 && value.charAt(value.length() - 1) == '\\' && i + 1 < lines.size()) {
                value.setLength(value.length() - 1);
                value.append(lines.get(++i).strip());
            }
            return value.toString();
        }
        return null;
    }

    static List<Path> bndruns(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".bndrun")).sorted().toList();
        }
    }

    // ------------------------------------------------------------------ helpers

    static String baseName(Path bndrun) {
        String file = bndrun.getFileName().toString();
        return file.substring(0, file.length() - ".bndrun".length());
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq < 1) {
                throw new BuildFailure("expected key=value, got '" + args[i] + "'");
            }
            options.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        return options;
    }

    static String required(Map<String, String> options, String key) {
        String value = options.get(key);
        if (value == null) {
            throw new BuildFailure("option " + key + "=... is required");
        }
        return value;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[65536];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void field(StringBuilder json, String key, String value, int indent) {
        json.append("  ".repeat(indent)).append(quote(key)).append(": ").append(quote(value)).append(",\n");
    }

    static String quote(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                case '\r' -> q.append("\\r");
                default -> {
                    if (c < 0x20) {
                        q.append(String.format("\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static final class BuildFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BuildFailure(String message) {
            super(message);
        }
    }

    /** Just enough JSON to read back the feature files this tool writes. */
    static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object value() {
            skip();
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> map = new LinkedHashMap<>();
                i++;
                skip();
                if (s.charAt(i) == '}') {
                    i++;
                    return map;
                }
                while (true) {
                    skip();
                    String key = string();
                    skip();
                    expect(':');
                    map.put(key, value());
                    skip();
                    if (s.charAt(i) == ',') {
                        i++;
                    } else {
                        expect('}');
                        return map;
                    }
                }
            }
            if (c == '[') {
                List<Object> list = new ArrayList<>();
                i++;
                skip();
                if (s.charAt(i) == ']') {
                    i++;
                    return list;
                }
                while (true) {
                    list.add(value());
                    skip();
                    if (s.charAt(i) == ',') {
                        i++;
                    } else {
                        expect(']');
                        return list;
                    }
                }
            }
            if (c == '"') {
                return string();
            }
            for (String word : new String[] {"true", "false", "null"}) {
                if (s.startsWith(word, i)) {
                    i += word.length();
                    return word.equals("null") ? null : Boolean.valueOf(word);
                }
            }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            if (start == i) {
                throw error("unexpected '" + c + "'");
            }
            return Double.valueOf(s.substring(start, i));
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (s.charAt(i) != '"') {
                char c = s.charAt(i++);
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> out.append('\n');
                        case 't' -> out.append('\t');
                        case 'r' -> out.append('\r');
                        case 'b' -> out.append('\b');
                        case 'f' -> out.append('\f');
                        case 'u' -> {
                            out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> out.append(e);
                    }
                } else {
                    out.append(c);
                }
            }
            i++;
            return out.toString();
        }

        private void expect(char c) {
            if (i >= s.length() || s.charAt(i) != c) {
                throw error("expected '" + c + "'");
            }
            i++;
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private BuildFailure error(String what) {
            return new BuildFailure("feature JSON: " + what + " at offset " + i);
        }
    }

    private Features() {
    }
}
