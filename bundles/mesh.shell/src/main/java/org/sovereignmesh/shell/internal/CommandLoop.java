package org.sovereignmesh.shell.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;

/**
 * Reads command lines and runs them in one Gogo session until {@code exit} or end of input. Shared by the
 * interactive console and the command port.
 */
final class CommandLoop {
    static final int MAX_LINE = 64 * 1024;

    private CommandLoop() {
    }

    /**
     * @param prompt printed before each line, or null for none
     */
    static void run(CommandProcessor processor, InputStream in, Reader lines, OutputStream rawOut, String prompt)
            throws IOException {
        PrintStream out = new PrintStream(rawOut, true, StandardCharsets.UTF_8);
        try (CommandSession session = processor.createSession(in, out, out)) {
            while (true) {
                if (prompt != null) {
                    out.print(prompt);
                    out.flush();
                }
                String line = readLine(lines);
                if (line == null || line.strip().equals("exit")) {
                    return;
                }
                if (line.isBlank()) {
                    continue;
                }
                try {
                    Object result = session.execute(line);
                    if (result != null) {
                        out.println(session.format(result, Converter.INSPECT));
                    }
                } catch (Exception e) {
                    out.println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
                }
                out.flush();
            }
        }
    }

    /**
     * @return the next line without its terminator, or null at end of input
     * @throws IOException if a line is longer than {@link #MAX_LINE}
     */
    static String readLine(Reader reader) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int c = reader.read();
            if (c < 0) {
                return line.length() == 0 ? null : line.toString();
            }
            if (c == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            if (line.length() >= MAX_LINE) {
                throw new IOException("command line longer than " + MAX_LINE + " characters");
            }
            line.append((char) c);
        }
    }
}
