package org.sovereignmesh.transport.tck.osgi;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.sovereignmesh.api.transport.TransportEvent;
import org.sovereignmesh.api.transport.TransportEventListener;
import org.sovereignmesh.api.transport.TransportInfo;
import org.sovereignmesh.api.transport.TransportManager;

/**
 * Drives a transport bundle through its life inside a running node and checks that the {@link TransportManager}
 * sees every step. Use it from a Pax Exam test (install this kit's bundle into the framework next to the node):
 *
 * <pre>
 * new TransportBundleCheck(context, transports, Duration.ofSeconds(20))
 *         .expect(info -&gt; info.state() == TransportState.ACTIVE)
 *         .configuredBy(configurationAdmin, "org.sovereignmesh.transport.lora", Map.of("id", "lora", ...))
 *         .run(new File("target/test-artifacts/mesh.transport.lora.jar"), "lora");
 * </pre>
 *
 * Failures are {@link AssertionError}s that say which step went wrong and what the manager listed instead.
 */
public final class TransportBundleCheck {
    private final BundleContext context;
    private final TransportManager manager;
    private final Duration wait;
    private Predicate<TransportInfo> expectation = info -> true;
    private String expectationText = "any state";
    private ConfigurationAdmin configurationAdmin;
    private String factoryPid;
    private Map<String, Object> properties;
    private final List<String> steps = new ArrayList<>();

    public TransportBundleCheck(BundleContext context, TransportManager manager, Duration wait) {
        this.context = context;
        this.manager = manager;
        this.wait = wait;
    }

    /** What the transport must look like once its bundle is started (state, addresses, profile). */
    public TransportBundleCheck expect(String description, Predicate<TransportInfo> condition) {
        this.expectationText = description;
        this.expectation = condition;
        return this;
    }

    /**
     * The transport needs a factory configuration to appear; it is created before the bundle starts and deleted
     * at the end.
     */
    public TransportBundleCheck configuredBy(ConfigurationAdmin admin, String pid, Map<String, Object> settings) {
        this.configurationAdmin = admin;
        this.factoryPid = pid;
        this.properties = Map.copyOf(settings);
        return this;
    }

    /**
     * Installs {@code jar}, then starts, stops, starts, updates and uninstalls it, checking after each step that
     * the transport {@code id} is listed (matching the expectation) or gone.
     *
     * @return the steps that passed, for the test log
     */
    public List<String> run(File jar, String id) throws Exception {
        List<TransportEvent> events = new CopyOnWriteArrayList<>();
        ServiceRegistration<TransportEventListener> listener = context.registerService(TransportEventListener.class,
                events::add, null);
        Configuration configuration = null;
        Bundle bundle = null;
        try {
            bundle = context.installBundle(jar.toURI().toString());
            pause();
            check(find(id).isEmpty(), "an installed, unstarted bundle registers no transport " + id);
            step("installed " + bundle.getSymbolicName() + " " + bundle.getVersion() + ": nothing registered");
            if (configurationAdmin != null) {
                configuration = configurationAdmin.getFactoryConfiguration(factoryPid, "tck-" + id, "?");
                configuration.update(new Hashtable<>(properties));
                step("factory configuration " + factoryPid + " created");
            }
            bundle.start();
            TransportInfo first = awaitListed(id, "after bundle start");
            step("started: " + first);
            bundle.stop();
            awaitGone(id, "after bundle stop");
            // events reach listeners on the node's delivery thread, possibly after the listing changed
            await("TRANSPORT_REMOVED event for " + id,
                    () -> indexOf(events, TransportEvent.Kind.TRANSPORT_REMOVED, id) >= 0);
            step("stopped: removed");
            bundle.start();
            awaitListed(id, "after the second start");
            step("started again");
            events.clear();
            try (InputStream in = new FileInputStream(jar)) {
                bundle.update(in);
            }
            await("update: " + id + " removed and added again", () -> {
                int removed = indexOf(events, TransportEvent.Kind.TRANSPORT_REMOVED, id);
                int added = lastIndexOf(events, TransportEvent.Kind.TRANSPORT_ADDED, id);
                return removed >= 0 && added > removed;
            });
            awaitListed(id, "after update");
            step("updated: removed and added again");
            bundle.uninstall();
            awaitGone(id, "after uninstall");
            step("uninstalled: gone");
            return List.copyOf(steps);
        } finally {
            listener.unregister();
            if (configuration != null) {
                deleteQuietly(configuration);
            }
            if (bundle != null && bundle.getState() != Bundle.UNINSTALLED) {
                uninstallQuietly(bundle);
            }
        }
    }

    /**
     * With the bundle of {@code factoryPid} already started: adding a factory configuration adds a transport
     * {@code id} that meets the expectation, deleting it removes the transport.
     */
    public void factoryConfigurationAddsAndRemoves(ConfigurationAdmin admin, String pid, Map<String, Object> settings,
            String id) throws Exception {
        Configuration configuration = admin.getFactoryConfiguration(pid, "tck-" + id, "?");
        Dictionary<String, Object> dictionary = new Hashtable<>(settings);
        configuration.update(dictionary);
        try {
            TransportInfo info = awaitListed(id, "after adding a factory configuration of " + pid);
            step("configured: " + info);
        } finally {
            configuration.delete();
        }
        awaitGone(id, "after deleting the factory configuration");
        step("configuration deleted: gone");
    }

    private TransportInfo awaitListed(String id, String when) throws InterruptedException {
        await(id + " listed with " + expectationText + " " + when,
                () -> find(id).filter(expectation).isPresent());
        return find(id).orElseThrow();
    }

    private void awaitGone(String id, String when) throws InterruptedException {
        await(id + " no longer listed " + when, () -> find(id).isEmpty());
    }

    private Optional<TransportInfo> find(String id) {
        return manager.transports().stream().filter(t -> t.id().equals(id)).findFirst();
    }

    private void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + wait.toSeconds() + " s waiting for: " + what
                        + "; the manager lists " + manager.transports() + "; steps passed: " + steps);
            }
            Thread.sleep(20);
        }
    }

    private void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("expected: " + what + "; the manager lists " + manager.transports()
                    + "; steps passed: " + steps);
        }
    }

    private void step(String text) {
        steps.add(text);
    }

    private static void pause() throws InterruptedException {
        Thread.sleep(200);
    }

    private static int indexOf(List<TransportEvent> events, TransportEvent.Kind kind, String id) {
        for (int i = 0; i < events.size(); i++) {
            if (matches(events.get(i), kind, id)) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(List<TransportEvent> events, TransportEvent.Kind kind, String id) {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (matches(events.get(i), kind, id)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean matches(TransportEvent event, TransportEvent.Kind kind, String id) {
        return event.kind() == kind && event.transport().map(t -> t.id().equals(id)).orElse(false);
    }

    private static void deleteQuietly(Configuration configuration) {
        try {
            configuration.delete();
        } catch (IOException | IllegalStateException e) {
            // already gone
        }
    }

    private static void uninstallQuietly(Bundle bundle) {
        try {
            bundle.uninstall();
        } catch (BundleException | IllegalStateException e) {
            // already gone
        }
    }
}
