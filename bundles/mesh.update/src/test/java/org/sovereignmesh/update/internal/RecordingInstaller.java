package org.sovereignmesh.update.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.osgi.framework.Version;
import org.sovereignmesh.api.time.Scheduler;

/**
 * An {@link Installer} over a pretend framework (a map of bundle versions), for the agent's protocol tests; the
 * OSGi one is tested in a real framework (itests). It takes virtual time to work, can be told to fail an
 * installation with a given reason (then carries out the undo steps, as the real one does), or to never finish (a
 * node killed during the installation). Every call is recorded.
 */
final class RecordingInstaller implements Installer {
    final Map<String, Version> framework = new TreeMap<>();
    final Map<String, String> untouchable = new HashMap<>();
    final List<List<Step>> applied = new ArrayList<>();
    final List<Set<String>> snapshots = new ArrayList<>();
    private final Scheduler clock;
    private final Path scratch;
    private UpdateStore store;
    String failNextWith;
    boolean hang;

    RecordingInstaller(Scheduler clock, Path scratch, String... bundles) {
        this.clock = clock;
        this.scratch = scratch;
        for (int i = 0; i < bundles.length; i += 2) {
            framework.put(bundles[i], Version.parseVersion(bundles[i + 1]));
        }
    }

    void store(UpdateStore s) {
        this.store = s;
    }

    @Override
    public Map<String, Version> installed() {
        return Map.copyOf(framework);
    }

    @Override
    public Map<String, String> untouchable() {
        return Map.copyOf(untouchable);
    }

    @Override
    public CompletionStage<Map<String, Snapshot>> snapshot(Set<String> names) {
        snapshots.add(Set.copyOf(names));
        CompletableFuture<Map<String, Snapshot>> result = new CompletableFuture<>();
        clock.schedule(() -> {
            Map<String, Snapshot> saved = new HashMap<>();
            try {
                for (String name : names) {
                    Version v = framework.get(name);
                    if (v != null) {
                        Path jar = TestJars.bundle(scratch.resolve("snapshots"), name, v.toString(), 100);
                        saved.put(name, new Snapshot(v, store.putJar(jar)));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            result.complete(saved);
        }, java.time.Duration.ofMillis(50));
        return result;
    }

    @Override
    public CompletionStage<Outcome> apply(List<Step> steps, List<Step> undo, boolean healthCheck) {
        applied.add(List.copyOf(steps));
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        if (hang) {
            change(steps); // the framework changed, and then the node died
            return result;
        }
        String failure = failNextWith;
        failNextWith = null;
        clock.schedule(() -> {
            change(steps);
            if (failure == null) {
                result.complete(Outcome.success());
            } else {
                change(undo);
                result.complete(Outcome.failure(failure + "; the previous bundles were restored"));
            }
        }, java.time.Duration.ofSeconds(2));
        return result;
    }

    private void change(List<Step> steps) {
        for (Step s : steps) {
            if (s.uninstall()) {
                framework.remove(s.symbolicName());
            } else {
                if (!s.jar().toFile().isFile()) {
                    throw new AssertionError("installing from a jar that is not there: " + s.jar());
                }
                framework.put(s.symbolicName(), s.version());
            }
        }
    }
}
