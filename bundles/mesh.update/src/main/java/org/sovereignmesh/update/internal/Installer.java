package org.sovereignmesh.update.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import org.osgi.framework.Version;

/**
 * Changes the bundles of the running framework for the agent. The OSGi implementation is
 * {@link FrameworkInstaller}; protocol tests use one that records what it was asked.
 *
 * <p>{@link #installed()} and {@link #untouchable()} answer at once, from any thread. {@link #snapshot} and
 * {@link #apply} do their work off the caller's thread and complete their stage when done.
 */
interface Installer {

    /** @return symbolic name and version of every bundle installed now (the highest version, if several) */
    Map<String, Version> installed();

    /** @return bundles no update may touch, each with the reason (the framework, the agent and what it runs on) */
    Map<String, String> untouchable();

    /** A bundle's jar as it is installed now, saved for a later rollback. */
    record Snapshot(Version version, String sha256) {
    }

    /**
     * Saves the jar of each named bundle as installed now into the store's bundle jars.
     *
     * @return a snapshot for each named bundle that is installed (absent names are not installed)
     */
    CompletionStage<Map<String, Snapshot>> snapshot(Set<String> symbolicNames);

    /** One bundle to put into the framework ({@code jar} given) or take out of it ({@code jar} null). */
    record Step(String symbolicName, Version version, Path jar) {
        boolean uninstall() {
            return jar == null;
        }

        @Override
        public String toString() {
            return uninstall() ? "uninstall " + symbolicName : symbolicName + " " + version;
        }
    }

    /** How an {@link #apply} ended. */
    record Outcome(boolean succeeded, String reason) {
        static Outcome success() {
            return new Outcome(true, "");
        }

        static Outcome failure(String reason) {
            return new Outcome(false, reason);
        }
    }

    /**
     * Installs or updates the bundles of {@code steps}, resolves and starts them and, if {@code healthCheck}, waits
     * until they are healthy. If any of that fails, carries out {@code undo} the same way (without a health check)
     * and completes with the failure's reason, saying whether the undo worked.
     */
    CompletionStage<Outcome> apply(List<Step> steps, List<Step> undo, boolean healthCheck);
}
