package org.sovereignmesh.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.workingDirectory;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.ops4j.pax.exam.Option;

/** Pax Exam configuration shared by the in-framework tests: a node made of exactly the core feature. */
final class MeshOptions {
    private MeshOptions() {
    }

    /** The core feature's bundles, as copied by the build to {@code target/bundles}. */
    static Option coreNode(String testName) {
        List<Option> options = new ArrayList<>();
        for (Path jar : jars(Path.of(required("mesh.itest.bundles")))) {
            options.add(bundle(jar.toUri().toString()).start());
        }
        Path work = Path.of(required("mesh.itest.work"), testName);
        options.add(frameworkProperty("mesh.home").value(work.resolve("home").toString()));
        options.add(workingDirectory(work.resolve("framework").toString()));
        options.add(frameworkProperty("gosh.args").value("--nointeractive"));
        options.add(systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"));
        options.add(cleanCaches(true));
        options.add(junitBundles());
        return composite(options.toArray(new Option[0]));
    }

    /** A jar the build copied to {@code target/test-artifacts}. */
    static File testArtifact(String fileName) {
        File file = Path.of(required("mesh.itest.artifacts"), fileName).toFile();
        if (!file.isFile()) {
            throw new IllegalStateException("missing test artifact " + file + "; run the build through Maven");
        }
        return file;
    }

    static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("system property " + property + " is not set; run the tests through Maven");
        }
        return value;
    }

    private static List<Path> jars(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list node bundles in " + dir, e);
        }
    }
}
