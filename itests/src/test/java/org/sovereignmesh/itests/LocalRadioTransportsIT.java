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
import org.sovereignmesh.transport.tck.osgi.TransportBundleCheck;

/**
 * The audio, Bluetooth LE and Wi-Fi Direct bundles in a running node, driven by the conformance kit's
 * {@link TransportBundleCheck}: install, start, stop, start, update and uninstall are each seen by the
 * TransportManager, and on this machine (no sound card, no D-Bus system bus or Bluetooth adapter, no Wi-Fi) each is
 * listed UNAVAILABLE with the reason. The audio transport in WAV mode is ACTIVE (folders need no hardware).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LocalRadioTransportsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    BundleContext context;
    @Inject
    TransportManager transports;
    @Inject
    ConfigurationAdmin configurationAdmin;

    @Configuration
    public Option[] config() {
        return new Option[] {MeshOptions.coreNode("local-radio-transports"),
            lib("netty-common.jar"), lib("netty-buffer.jar"), lib("netty-resolver.jar"), lib("netty-transport.jar"),
            lib("netty-codec-base.jar"), lib("netty-handler.jar"), lib("netty-transport-native-unix-common.jar"),
            lib("netty-transport-classes-epoll.jar"),
            bundle(MeshOptions.testArtifact("netty-transport-native-epoll.jar").toURI().toString()).noStart(),
            lib("mesh.transport.tck.jar")};
    }

    private static Option lib(String jar) {
        return bundle(MeshOptions.testArtifact(jar).toURI().toString()).start();
    }

    private TransportBundleCheck check() {
        return new TransportBundleCheck(context, transports, WAIT);
    }

    @Test
    public void theAudioBundleComesAndGoesAndReportsTheMissingSoundCard() throws Exception {
        List<String> steps = check()
                .expect("UNAVAILABLE: no sound device", info -> info.state() == TransportState.UNAVAILABLE
                        && info.stateDetail().startsWith("no sound device")
                        && info.localAddresses().toString().equals("[/audio/1200-2200/baud/1200]")
                        && info.profile().broadcast() && info.profile().lossy())
                .configuredBy(configurationAdmin, "org.sovereignmesh.transport.audio", Map.of("id", "audio"))
                .run(MeshOptions.testArtifact("mesh.transport.audio.jar"), "audio");
        assertTrue(steps.toString(), steps.size() >= 6);
    }

    @Test
    public void aWavAudioModemIsActiveAndConfigurable() throws Exception {
        Path dir = Files.createDirectories(Path.of(MeshOptions.required("mesh.itest.work"), "local-radio-transports",
                "wav"));
        var bundle = context.installBundle(MeshOptions.testArtifact("mesh.transport.audio.jar").toURI().toString());
        try {
            bundle.start();
            check().expect("ACTIVE, near ultrasonic, on WAV folders", info -> info.state() == TransportState.ACTIVE
                    && info.localAddresses().toString().equals("[/audio/18000-19200/baud/300]"))
                    .factoryConfigurationAddsAndRemoves(configurationAdmin, "org.sovereignmesh.transport.audio",
                            Map.of("id", "audio-wav", "device", "wav", "band", "ultrasonic",
                                    "outbox", dir.resolve("out").toString(), "inbox", dir.resolve("in").toString()),
                            "audio-wav");
        } finally {
            bundle.uninstall();
        }
    }

    @Test
    public void theBleBundleComesAndGoesAndReportsTheMissingBus() throws Exception {
        List<String> steps = check()
                .expect("UNAVAILABLE: no D-Bus / BlueZ / adapter", info -> info.state() == TransportState.UNAVAILABLE
                        && (info.stateDetail().startsWith("cannot reach D-Bus system bus")
                                || info.stateDetail().startsWith("BlueZ is not running")
                                || info.stateDetail().startsWith("no Bluetooth adapter"))
                        && info.profile().duplex())
                .run(MeshOptions.testArtifact("mesh.transport.ble.jar"), "ble");
        assertTrue(steps.toString(), steps.size() >= 5);
    }

    @Test
    public void theWifiDirectBundleComesAndGoesAndReportsTheMissingSupplicant() throws Exception {
        List<String> steps = check()
                .expect("UNAVAILABLE: no wpa_supplicant", info -> info.state() == TransportState.UNAVAILABLE
                        && info.stateDetail().startsWith("no wpa_supplicant control socket at "
                                + "/var/run/wpa_supplicant/p2p-dev-wlan0"))
                .run(MeshOptions.testArtifact("mesh.transport.wifidirect.jar"), "wifidirect");
        assertTrue(steps.toString(), steps.size() >= 5);
    }
}
