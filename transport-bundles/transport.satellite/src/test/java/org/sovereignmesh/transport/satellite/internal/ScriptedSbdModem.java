package org.sovereignmesh.transport.satellite.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.serial.SerialLine;
import org.sovereignmesh.serial.SerialListener;

/**
 * An Iridium 9602/9603 modem's side of the serial line, speaking the AT dialogue of the ISU AT Command Reference:
 * echo until ATE0, {@code READY} and a status digit around SBDWB uploads (0 ok, 1 timeout, 2 checksum mismatch,
 * 3 bad size), {@code +SBDIX:} session results after a session delay, SBDRB downloads with length and checksum, an MO
 * buffer that survives sessions until SBDD0, and SBDRING when the gateway holds MT traffic and ring alerts are on.
 * Scripts: the MO status of coming sessions (32 = no network...), commands answered with ERROR, silence.
 */
final class ScriptedSbdModem implements SerialListener {
    final String imei;
    private final Scheduler scheduler;
    private final SimulatedGateway gateway;
    private final Duration sessionTime;
    private final Duration ringDelay;
    final ArrayDeque<Integer> sessionScript = new ArrayDeque<>();
    final Set<String> errorCommands = ConcurrentHashMap.newKeySet();
    final List<String> commands = new CopyOnWriteArrayList<>();
    final List<Long> sessionTimes = new CopyOnWriteArrayList<>();
    volatile boolean silent;
    volatile boolean corruptDownloads;

    private SerialLine line;
    private final ByteArrayOutputStream input = new ByteArrayOutputStream();
    private boolean echo = true;
    private boolean ringAlerts;
    private boolean inSession;
    private byte[] moBuffer;
    private byte[] mtBuffer;
    private int momsn;
    private int mtmsn;
    private int uploadLength = -1;
    private ByteArrayOutputStream upload;

    ScriptedSbdModem(String imei, Scheduler scheduler, SimulatedGateway gateway, Duration sessionTime,
            Duration ringDelay) {
        this.imei = imei;
        this.scheduler = scheduler;
        this.gateway = gateway;
        this.sessionTime = sessionTime;
        this.ringDelay = ringDelay;
        gateway.register(this);
    }

    void attach(SerialLine deviceLine) {
        this.line = deviceLine;
    }

    /** Writes {@code raw} to the host as is (hostile input). */
    void injectRaw(byte[] raw) throws IOException {
        line.write(raw);
    }

    @Override
    public void received(byte[] bytes) {
        scheduler.execute(() -> {
            for (byte b : bytes) {
                accept(b & 0xFF);
            }
        });
    }

    @Override
    public void closed(IOException cause) {
        // the host let go; the modem keeps its buffers, as a powered modem does
    }

    void mtArrived() {
        scheduler.schedule(() -> {
            if (ringAlerts && !inSession && gateway.queuedMt(imei) > 0) {
                send("SBDRING\r\n");
            }
        }, ringDelay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void accept(int v) {
        if (upload != null) {
            upload.write(v);
            if (upload.size() == uploadLength + 2) {
                finishUpload();
            }
            return;
        }
        if (v == '\r') {
            String command = input.toString(StandardCharsets.US_ASCII).trim();
            input.reset();
            if (echo) {
                send(command + "\r");
            }
            if (!command.isEmpty()) {
                command(command);
            }
        } else if (v != '\n' && input.size() < 512) {
            input.write(v);
        }
    }

    private void command(String command) {
        commands.add(command);
        if (silent) {
            return;
        }
        if (errorCommands.contains(command)) {
            send("\r\nERROR\r\n");
            return;
        }
        if (command.equals("AT") || command.equals("AT&K0")) {
            ok();
        } else if (command.equals("ATE0") || command.equals("ATE1")) {
            echo = command.equals("ATE1");
            ok();
        } else if (command.startsWith("AT+SBDMTA=")) {
            ringAlerts = command.endsWith("1");
            ok();
        } else if (command.equals("AT+CGSN")) {
            send("\r\n" + imei + "\r\n");
            ok();
        } else if (command.startsWith("AT+SBDWB=")) {
            startUpload(command.substring("AT+SBDWB=".length()));
        } else if (command.equals("AT+SBDIX") || command.equals("AT+SBDIXA")) {
            session();
        } else if (command.equals("AT+SBDRB")) {
            download();
        } else if (command.equals("AT+SBDD0") || command.equals("AT+SBDD1") || command.equals("AT+SBDD2")) {
            if (!command.endsWith("1")) {
                moBuffer = null;
            }
            if (!command.endsWith("0")) {
                mtBuffer = null;
            }
            send("\r\n0\r\n");
            ok();
        } else {
            send("\r\nERROR\r\n");
        }
    }

    private void startUpload(String lengthText) {
        int length;
        try {
            length = Integer.parseInt(lengthText);
        } catch (NumberFormatException e) {
            send("\r\nERROR\r\n");
            return;
        }
        if (length < 1 || length > SbdDriver.MAX_MO) {
            send("\r\n3\r\n");
            ok();
            return;
        }
        uploadLength = length;
        upload = new ByteArrayOutputStream();
        send("READY\r\n");
        ByteArrayOutputStream pending = upload;
        scheduler.schedule(() -> {
            if (upload == pending) {
                upload = null;
                send("\r\n1\r\n");
                ok();
            }
        }, 60, TimeUnit.SECONDS);
    }

    private void finishUpload() {
        byte[] all = upload.toByteArray();
        upload = null;
        byte[] message = new byte[uploadLength];
        System.arraycopy(all, 0, message, 0, uploadLength);
        int sum = (all[uploadLength] & 0xFF) << 8 | all[uploadLength + 1] & 0xFF;
        if (sum != SbdDriver.checksum(message)) {
            send("\r\n2\r\n");
        } else {
            moBuffer = message;
            send("\r\n0\r\n");
        }
        ok();
    }

    private void session() {
        inSession = true;
        sessionTimes.add(scheduler.nanoTime());
        scheduler.schedule(() -> {
            inSession = false;
            Integer scripted = sessionScript.pollFirst();
            int moStatus = scripted == null ? 0 : scripted;
            if (moStatus <= 4) {
                if (moBuffer != null) {
                    gateway.acceptMo(imei, moBuffer.clone());
                    momsn++;
                }
                byte[] next = gateway.nextMt(imei);
                int mtStatus = 0;
                int mtLength = 0;
                if (next != null) {
                    mtBuffer = next;
                    mtmsn++;
                    mtStatus = 1;
                    mtLength = next.length;
                }
                send("\r\n+SBDIX: " + moStatus + ", " + momsn + ", " + mtStatus + ", " + mtmsn + ", " + mtLength
                        + ", " + gateway.queuedMt(imei) + "\r\n");
            } else {
                send("\r\n+SBDIX: " + moStatus + ", " + momsn + ", 2, " + mtmsn + ", 0, 0\r\n");
            }
            ok();
        }, sessionTime.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void download() {
        byte[] message = mtBuffer == null ? new byte[0] : mtBuffer;
        byte[] out = new byte[message.length + 4];
        out[0] = (byte) (message.length >> 8);
        out[1] = (byte) message.length;
        System.arraycopy(message, 0, out, 2, message.length);
        int sum = SbdDriver.checksum(message) + (corruptDownloads ? 1 : 0);
        out[out.length - 2] = (byte) (sum >> 8);
        out[out.length - 1] = (byte) sum;
        write(out);
        send("\r\nOK\r\n");
    }

    private void ok() {
        send("\r\nOK\r\n");
    }

    private void send(String text) {
        write(text.getBytes(StandardCharsets.US_ASCII));
    }

    private void write(byte[] bytes) {
        try {
            line.write(bytes);
        } catch (IOException e) {
            // host gone
        }
    }

    byte[] moBuffer() {
        return moBuffer;
    }
}
