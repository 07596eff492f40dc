package org.sovereignmesh.transport.satellite.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.sovereignmesh.api.time.Cancellable;
import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.serial.SerialLine;
import org.sovereignmesh.serial.SerialListener;
import org.sovereignmesh.serial.SerialPorts;

/**
 * The AT dialogue of an Iridium SBD modem (9602/9603, RockBLOCK) as in the Iridium ISU AT Command Reference: one
 * command at a time, each ending in {@code OK} or {@code ERROR} within its timeout; {@code AT+SBDWB} uploads a
 * binary message with its two-byte checksum after {@code READY}; {@code AT+SBDIX}/{@code AT+SBDIXA} run a session
 * and report {@code +SBDIX: mo, momsn, mt, mtmsn, mtlen, mtqueued}; {@code AT+SBDRB} answers with length, binary
 * message and checksum. Echoed commands and unsolicited {@code SBDRING} lines are handled. Input is bounded: long
 * lines and impossible lengths fail the exchange, not the memory. Confined to the scheduler.
 */
final class SbdDriver {
    /** Largest mobile-originated message (9602/9603). */
    static final int MAX_MO = 340;
    /** Largest mobile-terminated message (9602/9603). */
    static final int MAX_MT = 270;
    static final long COMMAND_TIMEOUT_MILLIS = 5_000;
    static final long SESSION_TIMEOUT_MILLIS = 90_000;
    private static final int MAX_LINE = 256;
    private static final Pattern SBDIX = Pattern.compile(
            "\\+SBDIXA?:\\s*(\\d+),\\s*(\\d+),\\s*(\\d+),\\s*(\\d+),\\s*(\\d+),\\s*(\\d+)");

    private final SerialPorts ports;
    private final String portName;
    private final int baudRate;
    private final Scheduler scheduler;
    private Runnable ringListener = () -> { };
    private Consumer<String> failureListener = reason -> { };

    // scheduler-confined
    private SerialLine line;
    private final ArrayDeque<Exchange> waiting = new ArrayDeque<>();
    private Exchange current;
    private final ByteArrayOutputStream lineBuffer = new ByteArrayOutputStream();
    private boolean lineOverflow;
    private ByteArrayOutputStream binary;
    private int binaryExpected = -1;
    private boolean closed;
    /** Whether ATE0 took effect: the modem no longer echoes, so SBDRB's binary answer follows the command at once. */
    private boolean echoOff;

    SbdDriver(SerialPorts ports, String portName, int baudRate, Scheduler scheduler) {
        this.ports = ports;
        this.portName = portName;
        this.baudRate = baudRate;
        this.scheduler = scheduler;
    }

    String describe() {
        return "SBD modem on " + portName;
    }

    /** Called (on the scheduler) when the modem announces mobile-terminated traffic with SBDRING. */
    void onRing(Runnable listener) {
        this.ringListener = listener;
    }

    /** Called (on the scheduler) once if the line is lost or the modem stops answering. */
    void onFailure(Consumer<String> listener) {
        this.failureListener = listener;
    }

    /** Opens the port and initialises the modem; completes with its IMEI. */
    CompletionStage<String> open() {
        CompletableFuture<String> imei = new CompletableFuture<>();
        scheduler.execute(() -> {
            try {
                line = ports.open(portName, baudRate, new SerialListener() {
                    @Override
                    public void received(byte[] bytes) {
                        scheduler.execute(() -> bytesFromModem(bytes));
                    }

                    @Override
                    public void closed(IOException cause) {
                        scheduler.execute(() -> fail(describe() + " closed: "
                                + (cause == null ? "by the device" : cause.getMessage())));
                    }
                });
            } catch (IOException e) {
                imei.completeExceptionally(new TransportException(e.getMessage(), e));
                return;
            }
            command("AT", COMMAND_TIMEOUT_MILLIS)
                    .thenCompose(ok -> command("ATE0", COMMAND_TIMEOUT_MILLIS))
                    .thenCompose(ok -> command("AT&K0", COMMAND_TIMEOUT_MILLIS))
                    .thenCompose(ok -> command("AT+SBDMTA=1", COMMAND_TIMEOUT_MILLIS))
                    .thenCompose(ok -> command("AT+CGSN", COMMAND_TIMEOUT_MILLIS))
                    .whenComplete((lines, error) -> {
                        if (error != null) {
                            imei.completeExceptionally(unwrap(error));
                            return;
                        }
                        String serial = lines.stream().filter(l -> l.matches("\\d{15}")).findFirst().orElse(null);
                        if (serial == null) {
                            imei.completeExceptionally(new TransportException(describe() + " gave no IMEI: " + lines));
                        } else {
                            imei.complete(serial);
                        }
                    });
        });
        return imei;
    }

    /** Uploads {@code message} into the modem's MO buffer ({@code AT+SBDWB}). */
    CompletionStage<Void> writeMessage(byte[] message) {
        if (message.length < 1 || message.length > MAX_MO) {
            return CompletableFuture.failedFuture(new TransportException("SBD messages are 1 to " + MAX_MO
                    + " bytes, got " + message.length));
        }
        Exchange e = new Exchange("AT+SBDWB=" + message.length, COMMAND_TIMEOUT_MILLIS);
        e.upload = message;
        return submit(e).thenCompose(lines -> {
            String status = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
            switch (status) {
                case "0":
                    return CompletableFuture.completedFuture(null);
                case "1":
                    return CompletableFuture.failedFuture(new TransportException(describe()
                            + ": SBDWB timed out waiting for the message"));
                case "2":
                    return CompletableFuture.failedFuture(new TransportException(describe()
                            + ": SBDWB checksum mismatch"));
                case "3":
                    return CompletableFuture.failedFuture(new TransportException(describe()
                            + ": SBDWB message size not accepted"));
                default:
                    return CompletableFuture.failedFuture(new TransportException(describe()
                            + ": unexpected SBDWB status " + lines));
            }
        });
    }

    /** Runs a session ({@code AT+SBDIX}, or {@code AT+SBDIXA} in answer to a ring alert). */
    CompletionStage<SessionResult> session(boolean answeringRing) {
        String at = answeringRing ? "AT+SBDIXA" : "AT+SBDIX";
        return command(at, SESSION_TIMEOUT_MILLIS).thenCompose(lines -> {
            for (String l : lines) {
                Matcher m = SBDIX.matcher(l);
                if (m.matches()) {
                    return CompletableFuture.completedFuture(new SessionResult(Integer.parseInt(m.group(1)),
                            Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)),
                            Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6))));
                }
            }
            return CompletableFuture.failedFuture(new TransportException(describe() + ": no +SBDIX result in " + lines));
        });
    }

    /** Downloads the MT buffer ({@code AT+SBDRB}), checking its length and checksum. */
    CompletionStage<byte[]> readMessage() {
        Exchange e = new Exchange("AT+SBDRB", COMMAND_TIMEOUT_MILLIS);
        e.download = true;
        return submit(e).thenApply(lines -> e.downloaded);
    }

    /** Clears the MO buffer ({@code AT+SBDD0}). */
    CompletionStage<List<String>> clearOutgoing() {
        return command("AT+SBDD0", COMMAND_TIMEOUT_MILLIS);
    }

    void close() {
        scheduler.execute(() -> {
            if (!closed) {
                closed = true;
                failAll(new TransportException(describe() + " closed"));
                if (line != null) {
                    line.close();
                }
            }
        });
    }

    private CompletionStage<List<String>> command(String at, long timeoutMillis) {
        return submit(new Exchange(at, timeoutMillis));
    }

    private CompletionStage<List<String>> submit(Exchange exchange) {
        scheduler.execute(() -> {
            if (closed) {
                exchange.result.completeExceptionally(new TransportException(describe() + " is closed"));
                return;
            }
            waiting.addLast(exchange);
            next();
        });
        return exchange.result;
    }

    private void next() {
        if (current != null || waiting.isEmpty() || closed) {
            return;
        }
        current = waiting.pollFirst();
        Exchange e = current;
        e.timer = scheduler.schedule(() -> timedOut(e), e.timeoutMillis, TimeUnit.MILLISECONDS);
        if (e.download && echoOff) {
            startBinary();
        }
        write((e.command + "\r").getBytes(StandardCharsets.US_ASCII));
    }

    private void write(byte[] bytes) {
        try {
            line.write(bytes);
        } catch (IOException e) {
            fail(describe() + " write failed: " + e.getMessage());
        }
    }

    private void bytesFromModem(byte[] bytes) {
        if (closed) {
            return;
        }
        for (byte b : bytes) {
            if (closed) {
                return;
            }
            if (binary != null) {
                binaryByte(b & 0xFF);
            } else {
                lineByte(b & 0xFF);
            }
        }
    }

    private void lineByte(int v) {
        if (v == '\n') {
            String text = lineOverflow ? null : lineBuffer.toString(StandardCharsets.US_ASCII).trim();
            lineBuffer.reset();
            lineOverflow = false;
            if (text == null) {
                finish(current, new TransportException(describe() + " sent a line longer than " + MAX_LINE + " bytes"));
            } else if (!text.isEmpty()) {
                lineReceived(text);
            }
            return;
        }
        if (lineBuffer.size() >= MAX_LINE) {
            lineOverflow = true;
            return;
        }
        lineBuffer.write(v);
    }

    private void lineReceived(String text) {
        if (text.equals("SBDRING")) {
            ringListener.run();
            return;
        }
        Exchange e = current;
        if (e == null || text.startsWith("+CIEV")) {
            return;
        }
        if (text.equals(e.command)) {
            // echo (before ATE0 took effect); SBDRB's binary answer follows the echo
            if (e.download) {
                startBinary();
            }
            return;
        }
        switch (text) {
            case "OK":
                finish(e, null);
                return;
            case "ERROR":
                finish(e, new TransportException(describe() + " answered ERROR to " + e.command));
                return;
            case "READY":
                if (e.upload != null && !e.uploaded) {
                    e.uploaded = true;
                    byte[] body = new byte[e.upload.length + 2];
                    System.arraycopy(e.upload, 0, body, 0, e.upload.length);
                    int sum = checksum(e.upload);
                    body[body.length - 2] = (byte) (sum >> 8);
                    body[body.length - 1] = (byte) sum;
                    write(body);
                    return;
                }
                break;
            default:
                break;
        }
        if (e.lines.size() < 16) {
            e.lines.add(text);
        }
    }

    private void startBinary() {
        binary = new ByteArrayOutputStream();
        binaryExpected = -1;
    }

    private void binaryByte(int v) {
        binary.write(v);
        if (binaryExpected < 0 && binary.size() == 2) {
            byte[] header = binary.toByteArray();
            int length = (header[0] & 0xFF) << 8 | header[1] & 0xFF;
            if (length > MAX_MT) {
                binary = null;
                finish(current, new TransportException(describe() + " announced an MT message of " + length
                        + " bytes, above the " + MAX_MT + " an SBD modem holds"));
                return;
            }
            binaryExpected = 2 + length + 2;
        }
        if (binaryExpected > 0 && binary.size() == binaryExpected) {
            byte[] all = binary.toByteArray();
            binary = null;
            byte[] message = new byte[all.length - 4];
            System.arraycopy(all, 2, message, 0, message.length);
            int sum = (all[all.length - 2] & 0xFF) << 8 | all[all.length - 1] & 0xFF;
            if (sum != checksum(message)) {
                finish(current, new TransportException(describe() + ": SBDRB checksum mismatch"));
                return;
            }
            current.downloaded = message;
        }
    }

    /** The SBD checksum: the least significant two bytes of the sum of the message bytes. */
    static int checksum(byte[] message) {
        int sum = 0;
        for (byte b : message) {
            sum += b & 0xFF;
        }
        return sum & 0xFFFF;
    }

    private void finish(Exchange e, Throwable error) {
        if (e == null || e != current) {
            return;
        }
        current = null;
        binary = null;
        if (e.timer != null) {
            e.timer.cancel();
        }
        if (error != null) {
            e.result.completeExceptionally(error);
        } else if (e.download && e.downloaded == null) {
            e.result.completeExceptionally(new TransportException(describe() + ": SBDRB returned no message"));
        } else {
            if (e.command.equals("ATE0")) {
                echoOff = true;
            }
            e.result.complete(new ArrayList<>(e.lines));
        }
        next();
    }

    private void timedOut(Exchange e) {
        if (e == current) {
            fail(describe() + " did not answer " + e.command + " within " + e.timeoutMillis + " ms");
        }
    }

    private void fail(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        failAll(new TransportException(reason));
        if (line != null) {
            line.close();
        }
        failureListener.accept(reason);
    }

    private void failAll(TransportException error) {
        if (current != null) {
            if (current.timer != null) {
                current.timer.cancel();
            }
            current.result.completeExceptionally(error);
            current = null;
        }
        for (Exchange e : waiting) {
            e.result.completeExceptionally(error);
        }
        waiting.clear();
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause()
                : error;
    }

    private static final class Exchange {
        final String command;
        final long timeoutMillis;
        final List<String> lines = new ArrayList<>();
        final CompletableFuture<List<String>> result = new CompletableFuture<>();
        Cancellable timer;
        byte[] upload;
        boolean uploaded;
        boolean download;
        byte[] downloaded;

        Exchange(String command, long timeoutMillis) {
            this.command = command;
            this.timeoutMillis = timeoutMillis;
        }
    }

    /** The six numbers of {@code +SBDIX}. */
    static final class SessionResult {
        final int moStatus;
        final int moMsn;
        final int mtStatus;
        final int mtMsn;
        final int mtLength;
        final int mtQueued;

        SessionResult(int moStatus, int moMsn, int mtStatus, int mtMsn, int mtLength, int mtQueued) {
            this.moStatus = moStatus;
            this.moMsn = moMsn;
            this.mtStatus = mtStatus;
            this.mtMsn = mtMsn;
            this.mtLength = mtLength;
            this.mtQueued = mtQueued;
        }

        /** MO status 0 to 4: the gateway took the message. */
        boolean moSucceeded() {
            return moStatus <= 4;
        }

        String moText() {
            return moStatusText(moStatus);
        }
    }

    /** @return the ISU AT Command Reference's meaning of an SBDIX MO status */
    static String moStatusText(int status) {
        switch (status) {
            case 0: return "MO message transferred";
            case 1: return "MO message transferred, but the MT message in the queue was too big";
            case 2: return "MO message transferred, but the location update was not accepted";
            case 10: return "GSS reported that the call did not complete in the allowed time";
            case 11: return "MO message queue at the GSS is full";
            case 12: return "MO message has too many segments";
            case 13: return "GSS reported that the session did not complete";
            case 14: return "invalid segment size";
            case 15: return "access is denied";
            case 16: return "ISU has been locked and may not make SBD calls";
            case 17: return "gateway not responding (local session timeout)";
            case 18: return "connection lost (RF drop)";
            case 19: return "link failure (a protocol error caused termination of the call)";
            case 32: return "no network service, unable to initiate call";
            case 33: return "antenna fault, unable to initiate call";
            case 34: return "radio is disabled, unable to initiate call";
            case 35: return "ISU is busy, unable to initiate call";
            case 36: return "try later, must wait 3 minutes since last registration";
            case 37: return "SBD service is temporarily disabled";
            case 38: return "try later, traffic management period";
            case 64: return "band violation (attempt to transmit outside permitted frequency band)";
            case 65: return "PLL lock failure; hardware error during attempted transmit";
            default: return status <= 4 ? "MO message transferred" : "failure (MO status " + status + ")";
        }
    }
}
