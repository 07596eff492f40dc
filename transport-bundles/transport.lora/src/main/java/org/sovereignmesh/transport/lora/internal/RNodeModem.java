package org.sovereignmesh.transport.lora.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.sovereignmesh.api.time.Cancellable;
import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.serial.SerialLine;
import org.sovereignmesh.serial.SerialListener;
import org.sovereignmesh.serial.SerialPorts;

/**
 * An RNode-style LoRa modem on a serial port, spoken to in KISS. Opening detects the device ({@code CMD_DETECT}),
 * sets frequency, bandwidth, TX power, spreading factor and coding rate, turns the radio on, and checks that the
 * modem reports back exactly those values. Frames go out as {@code CMD_DATA}; a transmission counts as done once
 * its computed airtime has passed. All state lives on the scheduler.
 */
final class RNodeModem implements LoRaModem {
    static final long ANSWER_TIMEOUT_MILLIS = 3_000;
    private static final System.Logger LOG = System.getLogger(RNodeModem.class.getName());

    private final SerialPorts ports;
    private final String portName;
    private final int baudRate;
    private final LoRaSettings settings;
    private final Scheduler scheduler;

    // scheduler-confined
    private Events events;
    private SerialLine line;
    private Kiss.Decoder decoder;
    private boolean detected;
    private boolean ready;
    private boolean closed;
    private final List<String> unconfirmed = new ArrayList<>();
    private Cancellable answerTimer;
    private CompletableFuture<Void> transmitting;
    private long malformedReported;

    RNodeModem(SerialPorts ports, String portName, int baudRate, LoRaSettings settings, Scheduler scheduler) {
        this.ports = ports;
        this.portName = portName;
        this.baudRate = baudRate;
        this.settings = settings;
        this.scheduler = scheduler;
    }

    @Override
    public String describe() {
        return "RNode on " + portName;
    }

    @Override
    public void open(Events modemEvents) {
        scheduler.execute(() -> {
            events = modemEvents;
            decoder = new Kiss.Decoder(LoRaSettings.MTU + 16, (command, data) -> frameFromModem(command, data));
            try {
                line = ports.open(portName, baudRate, new SerialListener() {
                    @Override
                    public void received(byte[] bytes) {
                        scheduler.execute(() -> bytesFromModem(bytes));
                    }

                    @Override
                    public void closed(IOException cause) {
                        scheduler.execute(() -> lineClosed(cause));
                    }
                });
            } catch (IOException e) {
                fail(e.getMessage());
                return;
            }
            send(RNode.CMD_DETECT, new byte[] {(byte) RNode.DETECT_REQ});
            send(RNode.CMD_FW_VERSION, new byte[] {0});
            armAnswerTimer("no RNode answered on " + portName + " within " + ANSWER_TIMEOUT_MILLIS + " ms");
        });
    }

    @Override
    public CompletionStage<Void> transmit(byte[] frame) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        scheduler.execute(() -> {
            if (!ready || closed) {
                done.completeExceptionally(new TransportException(describe() + " is not ready"));
                return;
            }
            if (!send(RNode.CMD_DATA, frame)) {
                done.completeExceptionally(new TransportException("writing to " + describe() + " failed"));
                return;
            }
            transmitting = done;
            scheduler.schedule(() -> {
                if (transmitting == done) {
                    transmitting = null;
                }
                done.complete(null);
            }, settings.modulation.airtimeNanos(frame.length), TimeUnit.NANOSECONDS);
        });
        return done;
    }

    @Override
    public void close() {
        scheduler.execute(() -> {
            if (closed) {
                return;
            }
            if (line != null && ready) {
                send(RNode.CMD_RADIO_STATE, new byte[] {(byte) RNode.RADIO_STATE_OFF});
            }
            closed = true;
            ready = false;
            cancelAnswerTimer();
            if (line != null) {
                line.close();
            }
        });
    }

    private boolean send(int command, byte[] data) {
        try {
            line.write(Kiss.frame(command, data));
            return true;
        } catch (IOException e) {
            fail("writing to " + describe() + " failed: " + e.getMessage());
            return false;
        }
    }

    private void bytesFromModem(byte[] bytes) {
        if (closed) {
            return;
        }
        decoder.feed(bytes);
        if (decoder.malformed() > malformedReported) {
            LOG.log(Level.DEBUG, "{0}: dropped {1} malformed KISS frames", describe(),
                    Long.toString(decoder.malformed() - malformedReported));
            malformedReported = decoder.malformed();
        }
    }

    private void frameFromModem(int command, byte[] data) {
        if (closed) {
            return;
        }
        switch (command) {
            case RNode.CMD_DETECT:
                if (!detected && data.length == 1 && (data[0] & 0xFF) == RNode.DETECT_RESP) {
                    detected = true;
                    configure();
                }
                break;
            case RNode.CMD_DATA:
                if (ready && data.length > 0 && data.length <= LoRaSettings.MTU) {
                    events.received(data);
                }
                break;
            case RNode.CMD_FREQUENCY:
                confirm("frequency", RNode.uint32(data), settings.frequencyHz);
                break;
            case RNode.CMD_BANDWIDTH:
                confirm("bandwidth", RNode.uint32(data), settings.modulation.bandwidthHz);
                break;
            case RNode.CMD_TXPOWER:
                confirm("TX power", data.length == 1 ? data[0] : Long.MIN_VALUE, settings.txPowerDbm);
                break;
            case RNode.CMD_SF:
                confirm("spreading factor", data.length == 1 ? data[0] & 0xFF : -1, settings.modulation.spreadingFactor);
                break;
            case RNode.CMD_CR:
                confirm("coding rate", data.length == 1 ? data[0] & 0xFF : -1, settings.modulation.codingRate);
                break;
            case RNode.CMD_RADIO_STATE:
                confirm("radio state", data.length == 1 ? data[0] & 0xFF : -1, RNode.RADIO_STATE_ON);
                break;
            case RNode.CMD_ERROR:
                modemError(data.length == 1 ? data[0] & 0xFF : -1);
                break;
            default:
                // statistics (RSSI, SNR, channel time), READY, version and platform reports: nothing to do
                break;
        }
    }

    private void configure() {
        unconfirmed.clear();
        unconfirmed.addAll(List.of("frequency", "bandwidth", "TX power", "spreading factor", "coding rate",
                "radio state"));
        send(RNode.CMD_FREQUENCY, RNode.uint32(settings.frequencyHz));
        send(RNode.CMD_BANDWIDTH, RNode.uint32(settings.modulation.bandwidthHz));
        send(RNode.CMD_TXPOWER, new byte[] {(byte) settings.txPowerDbm});
        send(RNode.CMD_SF, new byte[] {(byte) settings.modulation.spreadingFactor});
        send(RNode.CMD_CR, new byte[] {(byte) settings.modulation.codingRate});
        send(RNode.CMD_RADIO_STATE, new byte[] {(byte) RNode.RADIO_STATE_ON});
        armAnswerTimer(describe() + " did not confirm its settings within " + ANSWER_TIMEOUT_MILLIS + " ms");
    }

    private void confirm(String what, long reported, long expected) {
        if (!unconfirmed.contains(what)) {
            return;
        }
        if (reported != expected) {
            fail(describe() + " reports " + what + " " + reported + " instead of " + expected);
            return;
        }
        unconfirmed.remove(what);
        if (unconfirmed.isEmpty() && !ready) {
            ready = true;
            cancelAnswerTimer();
            events.ready(describe() + ", " + settings.frequencyHz / 1e6 + " MHz " + settings.modulation);
        }
    }

    private void modemError(int code) {
        String text = RNode.errorText(code);
        if (!ready || code == RNode.ERROR_INITRADIO) {
            fail(describe() + " reports: " + text);
        } else if (transmitting != null) {
            CompletableFuture<Void> failed = transmitting;
            transmitting = null;
            failed.completeExceptionally(new TransportException(describe() + " reports: " + text));
        } else {
            LOG.log(Level.WARNING, "{0} reports: {1}", describe(), text);
        }
    }

    private void lineClosed(IOException cause) {
        if (!closed) {
            fail(describe() + " closed: " + (cause == null ? "by the device" : cause.getMessage()));
        }
    }

    private void fail(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        ready = false;
        cancelAnswerTimer();
        if (line != null) {
            line.close();
        }
        if (transmitting != null) {
            transmitting.completeExceptionally(new TransportException(reason));
            transmitting = null;
        }
        events.failed(reason);
    }

    private void armAnswerTimer(String reason) {
        cancelAnswerTimer();
        answerTimer = scheduler.schedule(() -> fail(reason), ANSWER_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void cancelAnswerTimer() {
        if (answerTimer != null) {
            answerTimer.cancel();
            answerTimer = null;
        }
    }
}
