package org.sovereignmesh.shell.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.felix.service.command.CommandProcessor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Gogo commands over a loopback TCP port, for scripts ({@code runtime/meshctl}) and multi-process tests.
 *
 * <p>Only 127.0.0.1 is bound. A client proves it may act as the node's owner by sending, as its first line, the
 * random token written to {@code <home>/shell.token} (readable by the owner only); then each line is a command,
 * until {@code exit} or end of input. The port in use is written to {@code <home>/shell.port}.
 */
@Component(immediate = true, configurationPid = CommandPort.PID)
@Designate(ocd = CommandPort.Config.class)
public final class CommandPort {
    static final String PID = "org.sovereignmesh.shell";
    static final String PORT_PROPERTY = "mesh.shell.port";
    static final String TOKEN_FILE = "shell.token";
    static final String PORT_FILE = "shell.port";
    private static final int MAX_SESSIONS = 4;
    private static final int IDLE_TIMEOUT_MILLIS = 10 * 60 * 1000;
    private static final System.Logger LOG = System.getLogger(CommandPort.class.getName());

    @ObjectClassDefinition(name = "Sovereign Mesh command port",
            description = "Gogo commands over a token-protected port on 127.0.0.1.")
    @interface Config {
        @AttributeDefinition(description = "Port on 127.0.0.1; 0 picks a free one; -1 takes the framework property "
                + "mesh.shell.port, and disables the port if that is not set either.", min = "-1", max = "65535")
        int port() default -1;
    }

    @Reference
    private CommandProcessor processor;
    private final Set<Socket> sessions = ConcurrentHashMap.newKeySet();
    private ServerSocket server;
    private Path home;
    private byte[] token;

    @Activate
    void activate(Config config, BundleContext context) throws IOException {
        int port = config.port();
        if (port < 0) {
            String property = context.getProperty(PORT_PROPERTY);
            if (property == null || property.isBlank()) {
                return;
            }
            port = Integer.parseInt(property.strip());
        }
        String homeProperty = context.getProperty("mesh.home");
        if (homeProperty == null || homeProperty.isBlank()) {
            throw new IllegalStateException("framework property mesh.home (the node's data directory) is not set");
        }
        home = Path.of(homeProperty);
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        token = HexFormat.of().formatHex(secret).getBytes(StandardCharsets.US_ASCII);
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 8);
        writePrivate(home.resolve(TOKEN_FILE), token);
        writePrivate(home.resolve(PORT_FILE),
                String.valueOf(server.getLocalPort()).getBytes(StandardCharsets.US_ASCII));
        Thread acceptor = new Thread(this::accept, "mesh-command-port");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.log(Level.INFO, "command port listening on 127.0.0.1:" + server.getLocalPort());
    }

    @Deactivate
    void deactivate() throws IOException {
        if (server == null) {
            return;
        }
        server.close();
        for (Socket s : sessions) {
            s.close();
        }
        Files.deleteIfExists(home.resolve(TOKEN_FILE));
        Files.deleteIfExists(home.resolve(PORT_FILE));
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.log(Level.WARNING, "command port stopped accepting: " + e.getMessage());
                }
                return;
            }
            if (sessions.size() >= MAX_SESSIONS) {
                refuse(socket, "error: too many command sessions");
                continue;
            }
            sessions.add(socket);
            Thread t = new Thread(() -> serve(socket), "mesh-command-session");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(IDLE_TIMEOUT_MILLIS);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
            String presented = CommandLoop.readLine(reader);
            if (presented == null || !MessageDigest.isEqual(token, presented.strip().getBytes(StandardCharsets.US_ASCII))) {
                out.write("error: wrong or missing token\n".getBytes(StandardCharsets.UTF_8));
                LOG.log(Level.WARNING, "command port: refused a client with a wrong token");
                return;
            }
            CommandLoop.run(processor, in, reader, out, null);
        } catch (SocketException e) {
            LOG.log(Level.DEBUG, "command session ended: {0}", e.getMessage());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "command session failed: " + e.getMessage());
        } finally {
            sessions.remove(socket);
        }
    }

    private static void refuse(Socket socket, String message) {
        try (socket) {
            socket.getOutputStream().write((message + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "could not refuse a client cleanly: {0}", e.getMessage());
        }
    }

    private static void writePrivate(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(tmp);
        }
        Files.write(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
