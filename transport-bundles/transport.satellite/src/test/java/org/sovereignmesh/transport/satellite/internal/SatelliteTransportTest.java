package org.sovereignmesh.transport.satellite.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.LinkMode;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.api.transport.TransportState;
import org.sovereignmesh.time.VirtualScheduler;
import org.sovereignmesh.transport.tck.RecordingContext;
import org.sovereignmesh.transport.tck.RecordingReceiver;
import org.sovereignmesh.transport.tck.serial.MemorySerialPort;

/** The SBD dialogue, retries, giving up, the session budget and bad downloads, against the scripted modem. */
class SatelliteTransportTest {
    private static final String IMEI = "300234010753370";
    private final VirtualScheduler clock = new VirtualScheduler();
    private final SimulatedGateway gateway = new SimulatedGateway();
    private final ScriptedSbdModem modem = new ScriptedSbdModem(IMEI, clock, gateway, Duration.ofSeconds(10),
            Duration.ofSeconds(2));
    private final MemorySerialPort port = new MemorySerialPort("/dev/ttyUSB0", clock, 7);
    private final RecordingContext context = new RecordingContext(clock);
    private RecordingReceiver receiver;

    SatelliteTransportTest() {
        modem.attach(port.attachDevice(modem));
    }

    private Link start(SatelliteSettings settings) throws Exception {
        SatelliteTransport t = new SatelliteTransport("satellite", settings,
                scheduler -> new SbdDriver(port, port.name(), 19200, scheduler));
        t.start(context);
        clock.runFor(Duration.ofSeconds(5));
        assertEquals(TransportState.ACTIVE, context.state(), context.stateDetail());
        Link link = context.incomingLinks().get(0);
        receiver = new RecordingReceiver(clock, "gss");
        link.start(receiver);
        return link;
    }

    private static SatelliteSettings settings(int sessionsPerDay, int attempts) {
        return new SatelliteSettings(340, 4, sessionsPerDay, attempts, Duration.ofSeconds(20), Duration.ofMinutes(5),
                Duration.ZERO, Duration.ofSeconds(30));
    }

    @Test
    void initialisesTheModemAndSendsAMessageToTheGroundStation() throws Exception {
        Link link = start(settings(100, 3));
        assertEquals(List.of("AT", "ATE0", "AT&K0", "AT+SBDMTA=1", "AT+CGSN"), modem.commands);
        assertEquals("/iridium/" + IMEI, context.localAddresses().get(0).toString());
        assertEquals(LinkMode.DUPLEX, link.mode());
        assertEquals("/iridium/gss", link.remoteAddress().toString());
        byte[] message = new byte[340];
        for (int i = 0; i < message.length; i++) {
            message[i] = (byte) ("\r\nOK\r\n".charAt(i % 6));
        }
        CompletableFuture<Void> sent = link.send(message).toCompletableFuture();
        clock.runFor(Duration.ofSeconds(30));
        assertTrue(sent.isDone() && !sent.isCompletedExceptionally());
        assertEquals(1, gateway.groundStation.size());
        assertArrayEquals(message, gateway.groundStation.get(0), "340 bytes that look like AT results arrive intact");
        assertEquals(List.of("AT+SBDWB=340", "AT+SBDIX", "AT+SBDD0"), modem.commands.subList(5, 8),
                "upload, session, then the MO buffer is cleared");
    }

    @Test
    void failedSessionsAreRetriedWithDoublingBackoff() throws Exception {
        Link link = start(settings(100, 5));
        modem.sessionScript.addAll(List.of(32, 18, 0));
        CompletableFuture<Void> sent = link.send(new byte[] {1, 2, 3}).toCompletableFuture();
        clock.runFor(Duration.ofSeconds(15));
        assertEquals(TransportState.DEGRADED, context.state());
        assertTrue(context.stateDetail().contains("no network service") && context.stateDetail().contains("20 s"),
                context.stateDetail());
        clock.runFor(Duration.ofMinutes(3));
        assertTrue(sent.isDone() && !sent.isCompletedExceptionally(), "the third session gets it through");
        assertEquals(TransportState.ACTIVE, context.state());
        List<Long> times = modem.sessionTimes;
        assertEquals(3, times.size());
        long first = times.get(1) - times.get(0);
        long second = times.get(2) - times.get(1);
        assertEquals(TimeUnit.SECONDS.toNanos(30), first, 2_000_000_000L, "10 s session + 20 s backoff");
        assertEquals(TimeUnit.SECONDS.toNanos(50), second, 2_000_000_000L, "10 s session + 40 s backoff");
        assertEquals(1, gateway.groundStation.size(), "sent once, not once per attempt");
    }

    @Test
    void aMessageFailsAfterItsLastAttemptAndTheModemIsCleared() throws Exception {
        Link link = start(settings(100, 2));
        modem.sessionScript.addAll(List.of(32, 32));
        CompletableFuture<Void> sent = link.send(new byte[] {9}).toCompletableFuture();
        clock.runFor(Duration.ofMinutes(5));
        assertTrue(sent.isCompletedExceptionally());
        Throwable error = sent.handle((ok, e) -> e).get();
        assertTrue(error instanceof TransportException && error.getMessage().contains("gave up after 2 satellite "
                + "sessions") && error.getMessage().contains("no network service"), error.getMessage());
        assertEquals(null, modem.moBuffer(), "the undelivered message is cleared from the modem");
        assertTrue(gateway.groundStation.isEmpty());
    }

    @Test
    void theDailySessionBudgetHoldsMessagesBackInsteadOfSpending() throws Exception {
        Link link = start(settings(2, 3));
        CompletableFuture<Void> first = link.send(new byte[] {1}).toCompletableFuture();
        CompletableFuture<Void> second = link.send(new byte[] {2}).toCompletableFuture();
        CompletableFuture<Void> third = link.send(new byte[] {3}).toCompletableFuture();
        clock.runFor(Duration.ofMinutes(5));
        assertTrue(first.isDone() && second.isDone() && !third.isDone());
        assertEquals(TransportState.DEGRADED, context.state());
        assertTrue(context.stateDetail().contains("session budget of 2 per day"), context.stateDetail());
        assertEquals(2, modem.sessionTimes.size());
        clock.runFor(Duration.ofHours(24));
        assertTrue(third.isDone() && !third.isCompletedExceptionally(), "the next day's budget sends it");
        assertEquals(3, gateway.groundStation.size());
    }

    @Test
    void ringAlertsDownloadMessagesAndErrorsOrBadChecksumsNeverDeliverGarbage() throws Exception {
        Link link = start(settings(100, 3));
        gateway.queueMt(IMEI, new byte[] {(byte) 0xC0, 13, 10, 'O', 'K'});
        clock.runFor(Duration.ofSeconds(30));
        assertEquals(1, receiver.frameCount(), "SBDRING, SBDIXA, SBDRB");
        assertArrayEquals(new byte[] {(byte) 0xC0, 13, 10, 'O', 'K'}, receiver.frames().get(0));
        assertTrue(modem.commands.contains("AT+SBDIXA"), "a ring alert is answered with SBDIXA");

        modem.corruptDownloads = true;
        gateway.queueMt(IMEI, new byte[] {42});
        clock.runFor(Duration.ofSeconds(30));
        assertEquals(1, receiver.frameCount(), "a download with a wrong checksum is not delivered");
        assertEquals(TransportState.DEGRADED, context.state());
        assertTrue(context.stateDetail().contains("checksum"), context.stateDetail());

        modem.corruptDownloads = false;
        clock.runFor(Duration.ofSeconds(30));
        assertEquals(2, receiver.frameCount(), "the message is read again from the modem's MT buffer");
        assertArrayEquals(new byte[] {42}, receiver.frames().get(1));
        assertEquals(TransportState.ACTIVE, context.state());

        modem.errorCommands.add("AT+SBDWB=2");
        CompletableFuture<Void> refused = link.send(new byte[] {7, 7}).toCompletableFuture();
        clock.runFor(Duration.ofSeconds(10));
        assertTrue(context.stateDetail().contains("ERROR"), context.stateDetail());
        modem.errorCommands.clear();
        clock.runFor(Duration.ofMinutes(5));
        assertTrue(refused.isDone() && !refused.isCompletedExceptionally(), "retried once the modem accepts it");
    }

    @Test
    void aSilentModemMakesTheTransportUnavailableUntilItAnswers() throws Exception {
        modem.silent = true;
        SatelliteTransport t = new SatelliteTransport("satellite", settings(100, 3),
                scheduler -> new SbdDriver(port, port.name(), 19200, scheduler));
        t.start(context);
        clock.runFor(Duration.ofSeconds(10));
        assertEquals(TransportState.UNAVAILABLE, context.state());
        assertTrue(context.stateDetail().contains("did not answer AT within"), context.stateDetail());
        modem.silent = false;
        clock.runFor(Duration.ofSeconds(40));
        assertEquals(TransportState.ACTIVE, context.state(), context.stateDetail());
        t.stop();
        clock.runFor(Duration.ofSeconds(1));
        assertEquals(1, context.incomingLinks().size());
    }
}
