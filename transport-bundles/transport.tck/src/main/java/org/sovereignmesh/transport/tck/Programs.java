package org.sovereignmesh.transport.tck;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real programs that tests run next to a transport (socat for pty pairs, minimodem for the audio modem, dbus-daemon
 * for D-Bus): found on the PATH or, when the test runs as root on Debian, installed from the named package with
 * apt-get; otherwise the test fails saying what to install.
 */
public final class Programs {
    private Programs() {
    }

    /** Makes sure {@code program} is on the PATH, installing Debian package {@code debianPackage} as root if not. */
    public static synchronized void ensure(String program, String debianPackage) throws IOException,
            InterruptedException {
        if (onPath(program)) {
            return;
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IOException(program + " is not installed; install it (apt-get install " + debianPackage
                    + ") to run these tests");
        }
        for (List<String> command : List.of(List.of("apt-get", "install", "-y", "-q", debianPackage),
                List.of("apt-get", "update", "-q"), List.of("apt-get", "install", "-y", "-q", debianPackage))) {
            new ProcessBuilder(command).inheritIO().start().waitFor(10, TimeUnit.MINUTES);
            if (onPath(program)) {
                return;
            }
        }
        throw new IOException(program + " is not installed and apt-get could not install " + debianPackage);
    }

    /** @return whether an executable {@code program} is on the PATH */
    public static boolean onPath(String program) {
        return find(program) != null;
    }

    /** @return the executable {@code program} on the PATH, or {@code null} */
    public static Path find(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
