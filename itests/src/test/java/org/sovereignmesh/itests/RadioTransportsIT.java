package org.sovereignmesh.itests;

import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.sovereignmesh.api.transport.TransportManager;
import org.sovereignmesh.api.transport.TransportState;
import org.sovereignmesh.transport.tck.PtyPair;
import org.sovereignmesh.transport.tck.osgi.TransportBundleCheck;

/**
 * Every transport bundle, driven by the conformance kit's {@link TransportBundleCheck} in a running node: install,
 * start, stop, start, update and uninstall are each seen by the TransportManager. The radio transports get a
 * factory configuration; with no device behind their serial port (a socat pty with nobody on the far end) they are
 * listed UNAVAILABLE with the reason, which also shows jSerialComm opening a port inside the framework.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RadioTransportsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    BundleContext context;
    @Inject
    TransportManager transports;
    @Inject
    ConfigurationAdmin configurationAdmin;

    @Configuration
    public Option[] config() {
        return new Option[] {MeshOptions.coreNode("radio-transports"),
            bundle(MeshOptions.testArtifact("jSerialComm.jar").toURI().toString()).start(),
            bundle(MeshOptions.testArtifact("mesh.serial.jar").toURI().toString()).start(),
            bundle(MeshOptions.testArtifact("mesh.transport.tck.jar").toURI().toString()).start()};
    }

    private TransportBundleCheck check() {
        return new TransportBundleCheck(context, transports, WAIT);
    }

    @Test
    public void theLoopbackBundleComesAndGoes() throws Exception {
        List<String> steps = check().expect("ACTIVE", info -> info.state() == TransportState.ACTIVE)
                .run(MeshOptions.testArtifact("mesh.transport.loopback.jar"), "loopback");
        assertTrue(steps.toString(), steps.size() >= 5);
    }

    @Test
    public void theSimulatedRadioBundleComesAndGoesAndStationsAreConfigurable() throws Exception {
        List<String> steps = check()
                .expect("ACTIVE on /sim/sim", info -> info.state() == TransportState.ACTIVE
                        && info.localAddresses().toString().startsWith("[/sim/sim/node/"))
                .run(MeshOptions.testArtifact("mesh.transport.sim.jar"), "sim");
        assertTrue(steps.toString(), steps.size() >= 5);

        var bundle = context.installBundle(MeshOptions.testArtifact("mesh.transport.sim.jar").toURI().toString());
        try {
            bundle.start();
            check().expect("a second station, ACTIVE at its configured place", info -> info.state() == TransportState.ACTIVE
                    && info.localAddresses().toString().equals("[/sim/sim/node/hilltop]")
                    && info.profile().broadcast() && info.profile().mtu() == 200)
                    .factoryConfigurationAddsAndRemoves(configurationAdmin, "org.sovereignmesh.transport.sim",
                            Map.of("id", "sim-hilltop", "station", "hilltop", "x", 500.0, "y", 20.0, "range", 2000.0,
                                    "mtu", 200), "sim-hilltop");
        } finally {
            bundle.uninstall();
        }
    }

    @Test
    public void theLoRaBundleComesAndGoesAndReportsAMissingModem() throws Exception {
        try (PtyPair pty = PtyPair.open(workDir("lora-pty"))) {
            List<String> steps = check()
                    .expect("UNAVAILABLE: no RNode answered", info -> info.state() == TransportState.UNAVAILABLE
                            && info.stateDetail().contains("no RNode answered")
                            && info.localAddresses().toString().equals("[/lora/868.1/sf/9/bw/125]"))
                    .configuredBy(configurationAdmin, "org.sovereignmesh.transport.lora",
                            Map.of("id", "lora", "port", pty.first().toString()))
                    .run(MeshOptions.testArtifact("mesh.transport.lora.jar"), "lora");
            assertTrue(steps.toString(), steps.size() >= 6);
        }
    }

    @Test
    public void theSatelliteBundleComesAndGoesAndReportsASilentModem() throws Exception {
        try (PtyPair pty = PtyPair.open(workDir("sbd-pty"))) {
            List<String> steps = check()
                    .expect("UNAVAILABLE: modem did not answer", info -> info.state() == TransportState.UNAVAILABLE
                            && info.stateDetail().contains("did not answer AT")
                            && info.profile().cost() == 1000)
                    .configuredBy(configurationAdmin, "org.sovereignmesh.transport.satellite",
                            Map.of("id", "satellite", "port", pty.first().toString()))
                    .run(MeshOptions.testArtifact("mesh.transport.satellite.jar"), "satellite");
            assertTrue(steps.toString(), steps.size() >= 6);
        }
    }

    @Test
    public void theSneakernetBundleComesAndGoesAndFollowsTheStick() throws Exception {
        Path mount = workDir("stick-mount");
        Files.deleteIfExists(mount); // no stick plugged in yet
        List<String> steps = check()
                .expect("UNAVAILABLE: no medium mounted", info -> info.state() == TransportState.UNAVAILABLE
                        && info.stateDetail().contains("no medium mounted")
                        && info.profile().carrier() && !info.profile().duplex())
                .configuredBy(configurationAdmin, "org.sovereignmesh.transport.sneakernet",
                        Map.of("id", "usb", "mountPoint", mount.toString(), "scanSeconds", 1))
                .run(MeshOptions.testArtifact("mesh.transport.sneakernet.jar"), "usb");
        assertTrue(steps.toString(), steps.size() >= 6);
    }

    private static Path workDir(String name) throws Exception {
        return Files.createDirectories(Path.of(MeshOptions.required("mesh.itest.work"), "radio-transports", name));
    }
}
