package org.sovereignmesh.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.FileInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.sovereignmesh.api.transport.TransportEvent;
import org.sovereignmesh.api.transport.TransportEventListener;
import org.sovereignmesh.api.transport.TransportInfo;
import org.sovereignmesh.api.transport.TransportManager;
import org.sovereignmesh.api.transport.TransportState;

/**
 * Transports are bundles that come and go while the node runs: the TransportManager sees every install, start, stop,
 * update and uninstall, and configuration changes, without anything restarting.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TransportHotSwapIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    BundleContext context;
    @Inject
    TransportManager transports;
    @Inject
    ConfigurationAdmin configurationAdmin;

    private final List<TransportEvent> events = new CopyOnWriteArrayList<>();
    private ServiceRegistration<TransportEventListener> listener;
    private Bundle loopback;

    @Configuration
    public Option[] config() {
        return new Option[] {MeshOptions.coreNode("transport-hot-swap")};
    }

    @Before
    public void listen() {
        listener = context.registerService(TransportEventListener.class, events::add, null);
    }

    @After
    public void cleanUp() throws Exception {
        listener.unregister();
        if (loopback != null && loopback.getState() != Bundle.UNINSTALLED) {
            loopback.uninstall();
        }
        Await.until("no transports left", WAIT, () -> transports.transports().isEmpty());
    }

    @Test
    public void installStartStopUpdateUninstallAreAllSeen() throws Exception {
        File jar = MeshOptions.testArtifact("mesh.transport.loopback.jar");
        loopback = context.installBundle(jar.toURI().toString());
        Thread.sleep(200);
        assertTrue("an installed, unstarted bundle registers nothing", transports.transports().isEmpty());

        loopback.start();
        TransportInfo started = awaitActiveLoopback();
        assertTrue(started.provider().startsWith("mesh.transport.loopback "));
        assertTrue(started.localAddresses().get(0).toString().startsWith("/loopback/"));

        loopback.stop();
        Await.until("loopback gone after bundle stop", WAIT, () -> transports.transports().isEmpty());
        assertTrue(seen(TransportEvent.Kind.TRANSPORT_REMOVED));

        loopback.start();
        awaitActiveLoopback();

        events.clear();
        try (InputStream in = new FileInputStream(jar)) {
            loopback.update(in);
        }
        Await.until("loopback removed and added again by the update", WAIT,
                () -> kinds().containsAll(List.of(TransportEvent.Kind.TRANSPORT_REMOVED, TransportEvent.Kind.TRANSPORT_ADDED))
                        && kinds().lastIndexOf(TransportEvent.Kind.TRANSPORT_ADDED) > kinds().indexOf(TransportEvent.Kind.TRANSPORT_REMOVED));
        TransportInfo updated = awaitActiveLoopback();
        assertFalse("a new endpoint after the update", updated.localAddresses().equals(started.localAddresses()));

        loopback.uninstall();
        Await.until("loopback gone after uninstall", WAIT, () -> transports.transports().isEmpty());
    }

    @Test
    public void aFactoryConfigurationAddsAndRemovesATransportInstance() throws Exception {
        loopback = context.installBundle(MeshOptions.testArtifact("mesh.transport.loopback.jar").toURI().toString());
        loopback.start();
        org.osgi.service.cm.Configuration config =
                configurationAdmin.getFactoryConfiguration("org.sovereignmesh.transport.loopback", "second", "?");
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("id", "loopback-2");
        properties.put("name", "itest-second");
        properties.put("mtu", 1024);
        config.update(properties);
        Await.until("the configured instance appears", WAIT, () -> find("loopback-2")
                .filter(t -> t.state() == TransportState.ACTIVE)
                .filter(t -> t.localAddresses().toString().equals("[/loopback/itest-second]"))
                .filter(t -> t.profile().mtu() == 1024).isPresent());
        config.delete();
        Await.until("the configured instance disappears", WAIT, () -> find("loopback-2").isEmpty());
    }

    private TransportInfo awaitActiveLoopback() throws InterruptedException {
        Await.until("loopback ACTIVE; transports now: " + transports.transports(), WAIT,
                () -> find("loopback").filter(t -> t.state() == TransportState.ACTIVE).isPresent());
        return find("loopback").orElseThrow();
    }

    private Optional<TransportInfo> find(String id) {
        return transports.transports().stream().filter(t -> t.id().equals(id)).findFirst();
    }

    private boolean seen(TransportEvent.Kind kind) throws InterruptedException {
        Await.until(kind + " event", WAIT, () -> kinds().contains(kind));
        return true;
    }

    private List<TransportEvent.Kind> kinds() {
        return events.stream().map(TransportEvent::kind).collect(Collectors.toList());
    }

    static void assertActive(TransportInfo info) {
        assertEquals(TransportState.ACTIVE, info.state());
    }
}
