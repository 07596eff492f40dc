package org.sovereignmesh.update.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;
import org.sovereignmesh.api.transport.TransportInfo;
import org.sovereignmesh.api.transport.TransportManager;
import org.sovereignmesh.api.transport.TransportState;
import org.sovereignmesh.update.HealthCheck;
import org.sovereignmesh.update.HealthStatus;

/**
 * {@link Installer} on the OSGi framework. Works on one thread of its own: changes bundles (stop, update or install,
 * refresh, start), then polls the health checks, and on any failure carries out the undo steps. Never runs on a DS
 * thread or the agent's thread.
 *
 * <p>Built-in health checks: each updated bundle is ACTIVE (a fragment RESOLVED), none of its enabled DS components
 * failed to activate or lacks a mandatory reference, every transport it provided before is back (from the new
 * bundle) and none it provides is FAILED. Registered
 * {@link HealthCheck} services are asked too.
 */
final class FrameworkInstaller implements Installer {
    private static final System.Logger LOG = System.getLogger(FrameworkInstaller.class.getName());
    static final String LOCATION_PREFIX = "mesh-update:";
    private static final Duration REFRESH_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration QUIET_TIMEOUT = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 250;

    /** A health check service and the name reports give it. */
    record NamedCheck(String name, HealthCheck check) {
    }

    private final BundleContext context;
    private final UpdateStore store;
    private final ExecutorService worker;
    private final Supplier<ServiceComponentRuntime> scr;
    private final Supplier<TransportManager> transports;
    private final Supplier<Collection<NamedCheck>> checks;
    private volatile Duration healthTimeout;
    private volatile Duration healthSettle;

    FrameworkInstaller(BundleContext context, UpdateStore store, ExecutorService worker,
            Supplier<ServiceComponentRuntime> scr, Supplier<TransportManager> transports,
            Supplier<Collection<NamedCheck>> checks, Duration healthTimeout, Duration healthSettle) {
        this.context = context;
        this.store = store;
        this.worker = worker;
        this.scr = scr;
        this.transports = transports;
        this.checks = checks;
        this.healthTimeout = healthTimeout;
        this.healthSettle = healthSettle;
    }

    void healthTimes(Duration timeout, Duration settle) {
        this.healthTimeout = timeout;
        this.healthSettle = settle;
    }

    @Override
    public Map<String, Version> installed() {
        Map<String, Version> versions = new TreeMap<>();
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName() != null && b.getState() != Bundle.UNINSTALLED) {
                versions.merge(b.getSymbolicName(), b.getVersion(), (x, y) -> x.compareTo(y) >= 0 ? x : y);
            }
        }
        return versions;
    }

    @Override
    public Map<String, String> untouchable() {
        Map<String, String> protectedBundles = new LinkedHashMap<>();
        Bundle framework = context.getBundle(Constants.SYSTEM_BUNDLE_ID);
        protectedBundles.put(framework.getSymbolicName(), "it is the OSGi framework; ship a new runtime instead");
        Bundle self = context.getBundle();
        protectedBundles.put(self.getSymbolicName(), "the update agent cannot replace itself; ship it in a new runtime");
        Deque<Bundle> todo = new ArrayDeque<>(List.of(self));
        Set<Long> seen = new LinkedHashSet<>();
        while (!todo.isEmpty()) {
            BundleWiring wiring = todo.pop().adapt(BundleWiring.class);
            if (wiring == null) {
                continue;
            }
            for (BundleWire wire : wiring.getRequiredWires(null)) {
                Bundle provider = wire.getProvider().getBundle();
                if (provider.getBundleId() != Constants.SYSTEM_BUNDLE_ID && seen.add(provider.getBundleId())) {
                    protectedBundles.putIfAbsent(provider.getSymbolicName(), "the update agent runs on it (replacing it "
                            + "would restart the agent in the middle of the installation); ship it in a new runtime");
                    todo.push(provider);
                }
            }
        }
        return protectedBundles;
    }

    // ---------------------------------------------------------------- snapshots

    @Override
    public CompletionStage<Map<String, Snapshot>> snapshot(Set<String> symbolicNames) {
        return CompletableFuture.supplyAsync(() -> {
            Map<String, Snapshot> saved = new HashMap<>();
            for (String name : symbolicNames) {
                Bundle b = find(name);
                if (b == null) {
                    continue;
                }
                try {
                    saved.put(name, new Snapshot(b.getVersion(), save(b)));
                } catch (IOException e) {
                    throw new IllegalStateException("cannot save bundle " + name + " " + b.getVersion() + ": " + e.getMessage(), e);
                }
            }
            return saved;
        }, worker);
    }

    /** Stores the bundle's jar: its original bytes when they can be read back, else rebuilt from its entries. */
    private String save(Bundle b) throws IOException {
        Path tmp = Files.createTempFile(store.root(), "snapshot-", ".jar");
        try {
            boolean original = false;
            try (InputStream in = originalJar(b.getLocation())) {
                if (in != null) {
                    Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    Jars.Identity id = Jars.identity(tmp);
                    original = id.symbolicName().equals(b.getSymbolicName()) && id.version().equals(b.getVersion());
                }
            } catch (IOException | IllegalArgumentException e) {
                original = false;
            }
            if (!original) {
                rebuild(b, tmp);
            }
            return store.putJar(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The bytes at an install location: a URL, or a resource of the launcher (bnd's embedded "jar/..." entries). */
    private static InputStream originalJar(String location) throws IOException {
        try {
            return new URL(location).openStream();
        } catch (MalformedURLException e) {
            return ClassLoader.getSystemResourceAsStream(location);
        }
    }

    /** Writes the bundle's own entries (not its fragments') into a jar, the manifest first. */
    private static void rebuild(Bundle b, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
            URL manifest = b.getEntry("META-INF/MANIFEST.MF");
            if (manifest == null) {
                throw new IOException("bundle " + b.getSymbolicName() + " has no manifest entry");
            }
            zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            try (InputStream in = manifest.openStream()) {
                in.transferTo(zip);
            }
            zip.closeEntry();
            Deque<String> dirs = new ArrayDeque<>(List.of("/"));
            while (!dirs.isEmpty()) {
                Enumeration<String> paths = b.getEntryPaths(dirs.pop());
                while (paths != null && paths.hasMoreElements()) {
                    String path = paths.nextElement();
                    String name = path.startsWith("/") ? path.substring(1) : path;
                    if (name.equals("META-INF/MANIFEST.MF")) {
                        continue;
                    }
                    if (name.endsWith("/")) {
                        dirs.push(path);
                        continue;
                    }
                    URL entry = b.getEntry(name);
                    if (entry != null) {
                        zip.putNextEntry(new ZipEntry(name));
                        try (InputStream in = entry.openStream()) {
                            in.transferTo(zip);
                        }
                        zip.closeEntry();
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- apply

    @Override
    public CompletionStage<Outcome> apply(List<Step> steps, List<Step> undo, boolean healthCheck) {
        return CompletableFuture.supplyAsync(() -> {
            awaitQuietFramework();
            Set<String> names = names(steps);
            Map<String, Set<String>> transportsBefore = healthCheck ? transportsBy(names) : Map.of();
            String failure = change(steps);
            if (failure == null && healthCheck) {
                failure = awaitHealthy(names, transportsBefore);
            }
            if (failure == null) {
                return Outcome.success();
            }
            LOG.log(Level.WARNING, "update failed: " + failure + (undo.isEmpty() ? "" : "; undoing it: " + undo));
            if (undo.isEmpty()) {
                return Outcome.failure(failure);
            }
            String undoFailure = change(undo);
            return Outcome.failure(failure + (undoFailure == null ? "; the previous bundles were restored"
                    : "; RESTORING THE PREVIOUS BUNDLES FAILED TOO: " + undoFailure));
        }, worker);
    }

    /** Changes the framework as the steps say; returns null when every bundle is in place and started. */
    private String change(List<Step> steps) {
        List<Bundle> touched = new ArrayList<>();
        for (Step s : steps) {
            Bundle b = find(s.symbolicName());
            try {
                if (s.uninstall()) {
                    if (b != null) {
                        b.uninstall();
                        touched.add(b);
                    }
                    continue;
                }
                if (b != null) {
                    if (!isFragment(b) && b.getState() != Bundle.UNINSTALLED) {
                        b.stop();
                    }
                    try (InputStream in = Files.newInputStream(s.jar())) {
                        b.update(in);
                    }
                } else {
                    try (InputStream in = Files.newInputStream(s.jar())) {
                        b = context.installBundle(LOCATION_PREFIX + s.symbolicName(), in);
                    }
                }
                touched.add(b);
            } catch (BundleException | IOException | IllegalStateException | SecurityException e) {
                return "could not " + (s.uninstall() ? "uninstall " + s.symbolicName() : "install " + s) + ": " + e.getMessage();
            }
        }
        String refresh = refresh(touched);
        if (refresh != null) {
            return refresh;
        }
        for (Step s : steps) {
            if (s.uninstall()) {
                continue;
            }
            Bundle b = find(s.symbolicName());
            if (b == null || !b.getVersion().equals(s.version())) {
                return "bundle " + s + " is not installed after the change (found "
                        + (b == null ? "none" : b.getVersion().toString()) + ")";
            }
            if (isFragment(b)) {
                continue;
            }
            try {
                b.start();
            } catch (BundleException | IllegalStateException e) {
                return "bundle " + s + " did not start: " + e.getMessage();
            }
        }
        for (Step s : steps) {
            Bundle b = find(s.symbolicName());
            if (!s.uninstall() && b != null && isFragment(b) && b.getState() != Bundle.RESOLVED) {
                return "fragment " + s + " did not resolve";
            }
        }
        return null;
    }

    private String refresh(List<Bundle> touched) {
        if (touched.isEmpty()) {
            return null;
        }
        FrameworkWiring wiring = context.getBundle(Constants.SYSTEM_BUNDLE_ID).adapt(FrameworkWiring.class);
        CountDownLatch done = new CountDownLatch(1);
        String[] error = new String[1];
        wiring.refreshBundles(touched, event -> {
            if (event.getType() == FrameworkEvent.ERROR) {
                error[0] = String.valueOf(event.getThrowable());
            }
            done.countDown();
        });
        try {
            if (!done.await(REFRESH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                return "the framework did not finish refreshing within " + REFRESH_TIMEOUT.toSeconds() + " s";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while refreshing";
        }
        wiring.resolveBundles(touched.stream().filter(b -> b.getState() != Bundle.UNINSTALLED).toList());
        return error[0] == null ? null : "refresh failed: " + error[0];
    }

    /**
     * Waits until nothing is starting or stopping (a node that just started may still be starting its bundles
     * when the agent puts its installed set back).
     */
    private void awaitQuietFramework() {
        long deadline = System.nanoTime() + QUIET_TIMEOUT.toNanos();
        int quiet = 0;
        while (quiet < 3 && System.nanoTime() < deadline) {
            boolean busy = context.getBundle(Constants.SYSTEM_BUNDLE_ID).getState() != Bundle.ACTIVE;
            for (Bundle b : context.getBundles()) {
                busy |= b.getState() == Bundle.STARTING && !lazy(b) || b.getState() == Bundle.STOPPING;
            }
            quiet = busy ? 0 : quiet + 1;
            sleep(100);
        }
    }

    private static boolean lazy(Bundle b) {
        return Constants.ACTIVATION_LAZY.equals(b.getHeaders().get(Constants.BUNDLE_ACTIVATIONPOLICY));
    }

    // ---------------------------------------------------------------- health

    /** @return for each of the named bundles, the ids of the transports it provides now */
    private Map<String, Set<String>> transportsBy(Set<String> names) {
        Map<String, Set<String>> provided = new HashMap<>();
        TransportManager manager = transports.get();
        if (manager != null) {
            for (String name : names) {
                for (TransportInfo t : manager.transports()) {
                    if (t.provider().startsWith(name + " ")) {
                        provided.computeIfAbsent(name, n -> new LinkedHashSet<>()).add(t.id());
                    }
                }
            }
        }
        return provided;
    }

    private String awaitHealthy(Set<String> names, Map<String, Set<String>> transportsBefore) {
        long start = System.nanoTime();
        long deadline = start + healthTimeout.toNanos();
        long healthySince = -1;
        List<String> problems;
        while (true) {
            problems = problems(names, transportsBefore);
            long now = System.nanoTime();
            if (problems.isEmpty()) {
                if (healthySince < 0) {
                    healthySince = now;
                }
                if (now - healthySince >= healthSettle.toNanos()) {
                    return null;
                }
            } else {
                healthySince = -1;
            }
            if (Thread.currentThread().isInterrupted()) {
                return "interrupted: the node is stopping";
            }
            if (now > deadline) {
                return "health check failed after " + healthTimeout.toSeconds() + " s: " + String.join("; ", problems);
            }
            sleep(POLL_MILLIS);
        }
    }

    /**
     * @param transportsBefore the transports each bundle provided before the change: each must be back, from the
     *                         new bundle (a component that cannot be created never registers its transport, and
     *                         SCR does not count a delayed component's failed creation as a failed activation)
     * @return what is wrong with the updated bundles now; empty when healthy
     */
    List<String> problems(Set<String> names, Map<String, Set<String>> transportsBefore) {
        List<String> problems = new ArrayList<>();
        ServiceComponentRuntime runtime = scr.get();
        TransportManager manager = transports.get();
        for (String name : names) {
            Bundle b = find(name);
            if (b == null) {
                problems.add("bundle " + name + " is not installed");
                continue;
            }
            if (isFragment(b) ? b.getState() != Bundle.RESOLVED : b.getState() != Bundle.ACTIVE) {
                problems.add("bundle " + name + " " + b.getVersion() + " is " + stateName(b.getState()));
                continue;
            }
            if (runtime != null) {
                for (ComponentDescriptionDTO d : runtime.getComponentDescriptionDTOs(b)) {
                    if (!runtime.isComponentEnabled(d)) {
                        continue;
                    }
                    for (ComponentConfigurationDTO c : runtime.getComponentConfigurationDTOs(d)) {
                        if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                            problems.add("component " + d.name + " failed to activate: " + c.failure);
                        } else if (c.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE) {
                            List<String> missing = new ArrayList<>();
                            for (UnsatisfiedReferenceDTO u : c.unsatisfiedReferences) {
                                missing.add(u.name);
                            }
                            problems.add("component " + d.name + " lacks its reference(s) " + missing);
                        }
                    }
                }
            }
            if (manager != null) {
                String provider = name + " " + b.getVersion();
                Set<String> missing = new LinkedHashSet<>(transportsBefore.getOrDefault(name, Set.of()));
                for (TransportInfo t : manager.transports()) {
                    if (!t.provider().startsWith(name + " ")) {
                        continue;
                    }
                    if (t.provider().equals(provider)) {
                        missing.remove(t.id());
                    }
                    if (t.state() == TransportState.FAILED) {
                        problems.add("transport " + t.id() + " FAILED: " + t.stateDetail());
                    }
                }
                if (!missing.isEmpty()) {
                    problems.add("transport(s) " + missing + " of " + name + " not back from " + provider
                            + unsatisfiedOrFailed(runtime, b));
                }
            }
        }
        for (NamedCheck check : checks.get()) {
            try {
                HealthStatus status = check.check().check(names);
                if (status == null || !status.isHealthy()) {
                    problems.add(check.name() + ": " + (status == null ? "no answer" : status.reason()));
                }
            } catch (RuntimeException e) {
                problems.add(check.name() + " failed: " + e);
            }
        }
        return problems;
    }

    /** What SCR says of the bundle's components that are not active, to explain a missing transport. */
    private static String unsatisfiedOrFailed(ServiceComponentRuntime runtime, Bundle b) {
        if (runtime == null) {
            return "";
        }
        List<String> states = new ArrayList<>();
        for (ComponentDescriptionDTO d : runtime.getComponentDescriptionDTOs(b)) {
            for (ComponentConfigurationDTO c : runtime.getComponentConfigurationDTOs(d)) {
                if (c.state != ComponentConfigurationDTO.ACTIVE) {
                    states.add(d.name + " (" + d.implementationClass + ") " + scrState(c.state));
                }
            }
        }
        return states.isEmpty() ? "" : " (" + String.join(", ", states) + ")";
    }

    private static String scrState(int state) {
        switch (state) {
            case ComponentConfigurationDTO.SATISFIED:
                return "satisfied, not active";
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION:
                return "waiting for configuration";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE:
                return "lacks references";
            case ComponentConfigurationDTO.FAILED_ACTIVATION:
                return "failed to activate";
            default:
                return "state " + state;
        }
    }

    // ---------------------------------------------------------------- helpers

    private static Set<String> names(List<Step> steps) {
        Set<String> names = new LinkedHashSet<>();
        for (Step s : steps) {
            if (!s.uninstall()) {
                names.add(s.symbolicName());
            }
        }
        return names;
    }

    /** The installed bundle with this symbolic name (the highest version if several), or null. */
    private Bundle find(String symbolicName) {
        Bundle found = null;
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName()) && b.getState() != Bundle.UNINSTALLED
                    && (found == null || b.getVersion().compareTo(found.getVersion()) > 0)) {
                found = b;
            }
        }
        return found;
    }

    private static boolean isFragment(Bundle b) {
        BundleRevision revision = b.adapt(BundleRevision.class);
        return revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }

    private static String stateName(int state) {
        switch (state) {
            case Bundle.INSTALLED:
                return "INSTALLED (not resolved)";
            case Bundle.RESOLVED:
                return "RESOLVED (not started)";
            case Bundle.STARTING:
                return "STARTING";
            case Bundle.STOPPING:
                return "STOPPING";
            case Bundle.ACTIVE:
                return "ACTIVE";
            default:
                return "UNINSTALLED";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
