package org.sovereignmesh.shell.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The folder an operator drops bundles and {@code .cfg} files into (framework property {@value #PROPERTY}, for
 * example {@code deploy}): created if missing, then watched by Felix FileInstall through a factory configuration.
 * FileInstall's own framework-property watcher gives up on a folder that does not exist yet, so the node creates
 * the folder first and only then asks FileInstall to watch it.
 */
@Component(immediate = true)
public final class DeployFolder {
    static final String PROPERTY = "mesh.deploy";
    static final String FILEINSTALL_FACTORY_PID = "org.apache.felix.fileinstall";
    private static final System.Logger LOG = System.getLogger(DeployFolder.class.getName());

    @Reference
    private ConfigurationAdmin configurationAdmin;
    private Configuration watcher;

    @Activate
    void activate(BundleContext context) throws IOException {
        String folder = context.getProperty(PROPERTY);
        if (folder == null || folder.isBlank()) {
            return;
        }
        Path path = Path.of(folder).toAbsolutePath().normalize();
        Files.createDirectories(path);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("felix.fileinstall.dir", path.toString());
        properties.put("felix.fileinstall.poll", "500");
        properties.put("felix.fileinstall.noInitialDelay", "true");
        properties.put("felix.fileinstall.bundles.new.start", "true");
        properties.put("felix.fileinstall.log.level", "2");
        watcher = configurationAdmin.getFactoryConfiguration(FILEINSTALL_FACTORY_PID, "mesh-deploy", "?");
        watcher.update(properties);
        LOG.log(Level.INFO, "deploy folder {0}", path);
    }

    @Deactivate
    void deactivate() {
        if (watcher == null) {
            return;
        }
        try {
            watcher.delete();
        } catch (IOException | IllegalStateException e) {
            LOG.log(Level.DEBUG, "deploy folder watcher already gone: {0}", e.getMessage());
        }
    }
}
