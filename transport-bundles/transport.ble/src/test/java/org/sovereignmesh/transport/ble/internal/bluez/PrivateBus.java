package org.sovereignmesh.transport.ble.internal.bluez;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.sovereignmesh.transport.tck.Programs;

/**
 * A D-Bus daemon of the test's own (Debian package {@code dbus}), listening on a socket in a temporary folder, with a
 * policy that lets anyone own any name: the real message bus, without touching the machine's system bus.
 */
final class PrivateBus implements AutoCloseable {
    private final Process daemon;
    private final String address;

    private PrivateBus(Process daemon, String address) {
        this.daemon = daemon;
        this.address = address;
    }

    static PrivateBus start(Path dir) throws IOException, InterruptedException {
        Programs.ensure("dbus-daemon", "dbus");
        Files.createDirectories(dir);
        Path config = dir.resolve("bus.conf");
        Files.writeString(config, """
                <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
                 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
                <busconfig>
                  <type>session</type>
                  <listen>unix:path=%s</listen>
                  <auth>EXTERNAL</auth>
                  <policy context="default">
                    <allow send_destination="*" eavesdrop="true"/>
                    <allow eavesdrop="true"/>
                    <allow own="*"/>
                  </policy>
                </busconfig>
                """.formatted(dir.resolve("bus")));
        Process process = new ProcessBuilder("dbus-daemon", "--config-file=" + config, "--nofork", "--print-address=1")
                .redirectError(dir.resolve("dbus-daemon.log").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("unix:")) {
            process.destroyForcibly();
            throw new IOException("dbus-daemon did not start; see " + dir.resolve("dbus-daemon.log"));
        }
        return new PrivateBus(process, line.trim());
    }

    String address() {
        return address;
    }

    @Override
    public void close() throws InterruptedException {
        daemon.destroy();
        if (!daemon.waitFor(5, TimeUnit.SECONDS)) {
            daemon.destroyForcibly();
        }
    }
}
