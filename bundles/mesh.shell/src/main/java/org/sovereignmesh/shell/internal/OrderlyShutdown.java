package org.sovereignmesh.shell.internal;

import java.lang.System.Logger.Level;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Stops the OSGi framework when the JVM is asked to exit (SIGTERM, Ctrl-C), and waits for it, so every component
 * deactivates in order and persisted state is closed cleanly. The launcher does not do this itself.
 */
@Component(immediate = true)
public final class OrderlyShutdown {
    private static final long STOP_TIMEOUT_MILLIS = 20_000;
    private static final System.Logger LOG = System.getLogger(OrderlyShutdown.class.getName());

    private Thread hook;

    @Activate
    void activate(BundleContext context) {
        Bundle systemBundle = context.getBundle(0);
        hook = new Thread(() -> stop(systemBundle), "mesh-orderly-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Deactivate
    void deactivate() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // this deactivation is the hook's own doing
        }
    }

    private static void stop(Bundle systemBundle) {
        if ((systemBundle.getState() & (Bundle.ACTIVE | Bundle.STARTING)) == 0) {
            return;
        }
        // JUL may already be shutting down with the JVM: say it on the console, like the start banner
        System.out.println("Sovereign Mesh node stopping");
        try {
            systemBundle.stop();
            if (systemBundle instanceof Framework) {
                FrameworkEvent event = ((Framework) systemBundle).waitForStop(STOP_TIMEOUT_MILLIS);
                if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                    LOG.log(Level.WARNING, "the framework did not stop within " + STOP_TIMEOUT_MILLIS + " ms");
                }
            }
        } catch (BundleException e) {
            LOG.log(Level.WARNING, "could not stop the framework: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
