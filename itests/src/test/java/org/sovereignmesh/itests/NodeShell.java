package org.sovereignmesh.itests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Client of a node process's command port: what {@code runtime/meshctl} does, in Java. */
final class NodeShell {
    private final Path home;

    NodeShell(Path home) {
        this.home = home;
    }

    boolean ready() {
        return Files.isReadable(home.resolve("shell.port")) && Files.isReadable(home.resolve("shell.token"));
    }

    /** Runs one command and returns its output, trimmed. */
    String run(String command) throws IOException {
        int port = Integer.parseInt(Files.readString(home.resolve("shell.port")).strip());
        String token = Files.readString(home.resolve("shell.token")).strip();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write((token + "\n" + command + "\nexit\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }

    /** {@link #run}, for lambdas: an I/O failure becomes unchecked. */
    String query(String command) {
        try {
            return run(command);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
