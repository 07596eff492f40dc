package org.sovereignmesh.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.sovereignmesh.api.MeshNetwork;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.transport.TransportManager;

/** A node made of the core feature comes up whole: every bundle active, the services registered. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NodeBundlesIT {

    @Inject
    BundleContext context;
    @Inject
    MeshNetwork network;
    @Inject
    TransportManager transports;

    @Configuration
    public Option[] config() {
        return new Option[] {MeshOptions.coreNode("node-bundles")};
    }

    @Test
    public void noBundleIsLeftUnresolvedOrInactive() {
        List<String> problems = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            boolean fragment = bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            int expected = fragment ? Bundle.RESOLVED : Bundle.ACTIVE;
            if (bundle.getState() != expected) {
                problems.add(bundle.getSymbolicName() + " " + bundle.getVersion() + " is " + state(bundle)
                        + whyNotResolved(bundle));
            }
        }
        assertTrue("bundles not running:\n" + String.join("\n", problems), problems.isEmpty());
    }

    @Test
    public void everyMeshBundleOfTheCoreFeatureIsPresent() {
        for (String name : List.of("mesh.api", "mesh.time", "mesh.crypto", "mesh.core", "mesh.shell",
                "mesh.store", "mesh.store.derby", "org.sovereignmesh.derby", "mesh.dht")) {
            Bundle found = null;
            for (Bundle b : context.getBundles()) {
                if (name.equals(b.getSymbolicName())) {
                    found = b;
                }
            }
            assertTrue(name + " installed", found != null);
            assertEquals(name + " active", Bundle.ACTIVE, found.getState());
        }
    }

    @Test
    public void theNodeHasAnIdentityAndNoTransportsYet() {
        PeerId self = network.localPeer();
        assertEquals(self, PeerId.parse(self.toDid()));
        assertTrue("no transport bundle is part of the core feature", transports.transports().isEmpty());
        assertTrue(network.neighbours().isEmpty());
    }

    private static String state(Bundle bundle) {
        switch (bundle.getState()) {
            case Bundle.INSTALLED:
                return "INSTALLED (unresolved)";
            case Bundle.RESOLVED:
                return "RESOLVED";
            case Bundle.STARTING:
                return "STARTING";
            case Bundle.STOPPING:
                return "STOPPING";
            default:
                return "state " + bundle.getState();
        }
    }

    /** Asks the framework to resolve the bundle and returns its complaint, which names the missing requirement. */
    private static String whyNotResolved(Bundle bundle) {
        if (bundle.getState() != Bundle.INSTALLED) {
            return "";
        }
        try {
            bundle.start();
            return "";
        } catch (BundleException e) {
            return ": " + e.getMessage();
        }
    }
}
