package org.sovereignmesh.transport.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.transport.Link;
import org.sovereignmesh.api.transport.LinkMode;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.api.transport.TransportException;
import org.sovereignmesh.api.transport.TransportProfile;
import org.sovereignmesh.api.transport.TransportState;
import org.sovereignmesh.time.VirtualScheduler;
import org.sovereignmesh.transport.tck.TransportFixture.LinkStyle;

/**
 * The conformance tests every transport inherits. Subclass it, implement {@link #createFixture()}, and run it with
 * JUnit 5:
 *
 * <pre>
 * class LoopbackTransportTckTest extends TransportTck {
 *     protected TransportFixture createFixture() {
 *         return (index, clock) -&gt; new LoopbackTransport("lb" + index, "node-" + index, profile, false);
 *     }
 * }
 * </pre>
 *
 * <p>Each test gets a fresh {@link VirtualScheduler} and fixture. Tests that do not apply to a medium (fragmentation
 * on a medium that carries whole frames, hostile input where the fixture offers no raw peer, isolation with fewer
 * than three transports) are skipped with the reason, not passed. After every test the kit stops all transports and
 * checks that every started link was closed exactly once and no receiver saw overlapping calls or frames after its
 * close.
 */
public abstract class TransportTck {
    /** Longest virtual time a single expectation may take: generous for slow, duty-cycled media. */
    protected static final Duration WAIT = Duration.ofMinutes(30);
    /** Virtual time given to a medium to deliver what is on its way. */
    protected static final Duration SETTLE = Duration.ofMinutes(2);

    protected VirtualScheduler clock;
    protected TransportFixture fixture;
    private final List<Endpoint> endpoints = new ArrayList<>();
    private final List<LinkHandle> handles = new ArrayList<>();
    private final Random random = new Random(20261124L);

    /** @return a fresh fixture for one test */
    protected abstract TransportFixture createFixture() throws Exception;

    @BeforeEach
    final void setUpKit() throws Exception {
        clock = new VirtualScheduler();
        fixture = createFixture();
    }

    @AfterEach
    final void tearDownKit() throws Exception {
        try {
            for (Endpoint e : endpoints) {
                e.stop();
            }
            runFor(SETTLE);
            List<String> problems = new ArrayList<>();
            for (LinkHandle h : handles) {
                if (h.receiver != null) {
                    problems.addAll(h.receiver.violations());
                    if (h.receiver.closeCount() != 1) {
                        problems.add(h + ": linkClosed called " + h.receiver.closeCount()
                                + " times after every transport stopped (expected exactly once)");
                    }
                }
            }
            if (!problems.isEmpty()) {
                fail("link contract violated:\n  " + String.join("\n  ", problems));
            }
        } finally {
            fixture.close();
        }
    }

    // ------------------------------------------------------------------ lifecycle

    @Test
    void startReportsAnUsableStateAndLocalAddresses() throws Exception {
        Endpoint a = endpoint(0);
        String id = a.transport.id();
        assertNotNull(id, "id()");
        assertFalse(id.isBlank(), "id() must not be blank");
        TransportProfile profile = a.transport.profile();
        assertTrue(profile.mtu() >= TransportProfile.MIN_MTU, "profile MTU " + profile.mtu());
        a.start();
        awaitUp(a);
        assertFalse(a.context.localAddresses().isEmpty(), "a started transport reports its local addresses");
        assertEquals(id, a.transport.id(), "id() is stable across start");
        if (style(a) == LinkStyle.CONNECT) {
            MeshAddress own = fixture.addressOf(a.transport, a.context.localAddresses());
            assertTrue(a.transport.supports(own), "supports() its own connectable address " + own);
        }
    }

    @Test
    void stopIsIdempotentAndHarmlessBeforeStart() throws Exception {
        Endpoint a = endpoint(0);
        a.transport.stop();
        a.start();
        awaitUp(a);
        a.stop();
        int offered = a.context.incomingLinks().size();
        a.transport.stop();
        runFor(SETTLE);
        assertEquals(offered, a.context.incomingLinks().size(), "a stopped transport offers no new links");
    }

    @Test
    void connectAfterStopFailsCleanly() throws Exception {
        Endpoint a = started(0);
        Endpoint b = started(1);
        MeshAddress target = fixture.addressOf(b.transport, b.context.localAddresses());
        a.stop();
        Throwable error = failureOf(() -> a.transport.connect(target), "connect after stop");
        assertTrue(error instanceof TransportException || error instanceof UnsupportedOperationException,
                "connect after stop fails with a TransportException, got " + error);
    }

    @Test
    void connectToAnAbsentNeighbourFailsCleanly() throws Exception {
        Endpoint a = started(0);
        Endpoint b = started(1);
        assumeTrue(style(a) == LinkStyle.CONNECT, "links are offered by the medium, not opened by connect()");
        assumeTrue(!fixture.connectionless(), "a connectionless medium cannot know that nobody listens");
        MeshAddress target = fixture.addressOf(b.transport, b.context.localAddresses());
        b.stop();
        runFor(SETTLE);
        Throwable error = failureOf(() -> a.transport.connect(target), "connect to a stopped neighbour");
        assertTrue(error instanceof TransportException, "fails with a TransportException, got " + error);
    }

    @Test
    void aStoppedTransportStartsAgainWithANewContext() throws Exception {
        Endpoint a = started(0);
        Endpoint b = started(1);
        a.stop();
        a.restart();
        awaitUp(a);
        Pair p = pair(a, b, true);
        deliver(p.a, p.b, frame(48));
    }

    @Test
    void stopClosesEveryLinkExactlyOnce() throws Exception {
        Endpoint a = started(0);
        Endpoint b = started(1);
        Pair p = pair(a, b, true);
        a.stop();
        runFor(SETTLE);
        assertEquals(1, p.a.receiver.closeCount(), "the stopped transport's link reported linkClosed once");
        if (style(a) == LinkStyle.CONNECT) {
            assertTrue(await(p.b.receiver::closed, WAIT), "the neighbour's end learns that the link closed");
        }
        assertSendFails(p.a.link, "send on a link of a stopped transport");
    }

    // ------------------------------------------------------------------ link contract

    @Test
    void framesWaitForStartAndNoneIsLost() throws Exception {
        Endpoint a = started(0);
        Endpoint b = started(1);
        Pair p = pair(a, b, false);
        List<byte[]> sent = List.of(frame(20), frame(40), frame(60));
        for (byte[] f : sent) {
            awaitSent(p.a.send(f), "send before the receiving link is started");
        }
        runFor(SETTLE);
        p.b.start();
        runFor(SETTLE);
        assertDelivery(a, sent, p.b.receiver.frames());
        if (!lossy(a)) {
            assertEquals(sent.size(), p.b.receiver.frameCount(), "frames that arrived before start are delivered after");
        }
    }

    @Test
    void closeReportsLinkClosedExactlyOnceAndSendThenFails() throws Exception {
        Endpoint a = started(0);
        Endpoint b = started(1);
        Pair p = pair(a, b, true);
        p.a.link.close();
        p.a.link.close();
        runFor(SETTLE);
        assertEquals(1, p.a.receiver.closeCount(), "linkClosed once, even when close() is called twice");
        if (style(a) == LinkStyle.CONNECT) {
            assertTrue(await(p.b.receiver::closed, WAIT), "the other end learns of the close");
        }
        assertSendFails(p.a.link, "send after close");
    }

    @Test
    void aLinkClosedBeforeStartReportsItWhenStarted() throws Exception {
        Endpoint a = started(0);
        Endpoint b = started(1);
        assumeTrue(style(a) == LinkStyle.CONNECT, "offered links have no far end that could close them");
        Pair p = pair(a, b, false);
        p.a.link.close();
        runFor(SETTLE);
        p.b.start();
        assertTrue(await(p.b.receiver::closed, WAIT), "a link closed by the far end before start reports linkClosed once started");
        runFor(SETTLE);
        assertEquals(1, p.b.receiver.closeCount());
    }

    // ------------------------------------------------------------------ MTU

    @Test
    void linkMtuIsWithinTheProfile() throws Exception {
        Endpoint a = started(0);
        Endpoint b = started(1);
        Pair p = pair(a, b, true);
        for (LinkHandle h : List.of(p.a, p.b)) {
            int mtu = h.link.mtu();
            assertTrue(mtu >= TransportProfile.MIN_MTU && mtu <= h.owner.transport.profile().mtu(),
                    h + ": link MTU " + mtu + " must lie between " + TransportProfile.MIN_MTU + " and the profile's "
                            + h.owner.transport.profile().mtu());
        }
    }

    @Test
    void aFrameOfExactlyTheMtuArrivesIntact() throws Exception {
        Pair p = pair(started(0), started(1), true);
        deliver(p.a, p.b, frame(p.a.link.mtu()));
    }

    @Test
    void aFrameLargerThanTheMtuIsRefusedAndTheLinkStillWorks() throws Exception {
        Pair p = pair(started(0), started(1), true);
        int mtu = p.a.link.mtu();
        CompletionStage<Void> sending;
        try {
            sending = p.a.link.send(frame(mtu + 1));
        } catch (RuntimeException e) {
            throw new AssertionError("send() of an oversized frame threw " + e + " instead of failing its stage", e);
        }
        Throwable error = await(sending, "send of " + (mtu + 1) + " bytes");
        assertTrue(error instanceof TransportException, "a frame above the MTU fails with a TransportException, got "
                + error);
        runFor(SETTLE);
        assertEquals(0, p.b.receiver.frames().stream().filter(f -> f.length > mtu).count(), "nothing above the MTU arrives");
        deliver(p.a, p.b, frame(mtu));
    }

    @Test
    void framingBytesInsideFramesArriveIntact() throws Exception {
        Pair p = pair(started(0), started(1), true);
        int mtu = p.a.link.mtu();
        List<byte[]> payloads = new ArrayList<>();
        for (int b : new int[] {0xC0, 0xDB, 0xDC, 0xDD, 0x00, 0xFF, 0x7E, 0x7D}) {
            byte[] f = new byte[mtu];
            Arrays.fill(f, (byte) b);
            payloads.add(f);
        }
        payloads.add(repeat(new byte[] {(byte) 0xC0, (byte) 0xDB, (byte) 0xDC, (byte) 0xDD}, mtu));
        payloads.add(repeat("\r\nOK\r\nERROR\r\nSBDRING\r\nAT+SBDWB=1\r\nREADY\r\n".getBytes(StandardCharsets.US_ASCII), mtu));
        byte[] everyValue = new byte[Math.min(mtu, 256)];
        for (int i = 0; i < everyValue.length; i++) {
            everyValue[i] = (byte) i;
        }
        payloads.add(everyValue);
        for (byte[] payload : payloads) {
            deliver(p.a, p.b, payload);
        }
    }

    // ------------------------------------------------------------------ fragmentation

    @Test
    void framesAroundFragmentBoundariesArriveIntactAndInOrder() throws Exception {
        int f = fixture.fragmentSize();
        assumeTrue(f > 0, "the medium carries whole frames; nothing is fragmented");
        Pair p = pair(started(0), started(1), true);
        int mtu = p.a.link.mtu();
        List<byte[]> sent = new ArrayList<>();
        for (int size : new int[] {1, f - 1, f, f + 1, 2 * f - 1, 2 * f, 2 * f + 1, mtu - 1, mtu}) {
            if (size >= 1 && size <= mtu) {
                sent.add(frame(size));
            }
        }
        List<CompletableFuture<Void>> sending = new ArrayList<>();
        for (byte[] frame : sent) {
            sending.add(p.a.send(frame));
        }
        for (CompletableFuture<Void> s : sending) {
            awaitSent(s, "send of a fragmented frame");
        }
        await(() -> p.b.receiver.frameCount() >= sent.size(), WAIT);
        runFor(SETTLE);
        assertDelivery(p.a.owner, sent, p.b.receiver.frames());
    }

    @Test
    void fragmentsOfTwoSendersAreNeverMixed() throws Exception {
        int f = fixture.fragmentSize();
        assumeTrue(f > 0, "the medium carries whole frames; nothing is fragmented");
        assumeTrue(fixture.maxTransports() >= 3, "needs three transports");
        Endpoint a = started(0);
        Endpoint b = started(1);
        Endpoint c = started(2);
        Pair ac = pair(a, c, true);
        Pair bc = pair(b, c, true);
        int size = Math.min(ac.a.link.mtu(), 3 * f + 1);
        List<byte[]> fromA = List.of(frame(size), frame(size));
        List<byte[]> fromB = List.of(frame(size), frame(size));
        List<CompletableFuture<Void>> sending = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            sending.add(ac.a.send(fromA.get(i)));
            sending.add(bc.a.send(fromB.get(i)));
        }
        for (CompletableFuture<Void> s : sending) {
            awaitSent(s, "concurrent send");
        }
        runFor(SETTLE);
        List<byte[]> atC = new ArrayList<>(ac.b.receiver.frames());
        if (bc.b != ac.b) {
            atC.addAll(bc.b.receiver.frames());
        }
        List<byte[]> all = new ArrayList<>(fromA);
        all.addAll(fromB);
        for (byte[] got : atC) {
            assertTrue(all.stream().anyMatch(s -> Arrays.equals(s, got)), "a frame at the receiver that nobody sent: "
                    + describe(got));
        }
        if (!lossy(a)) {
            assertEquals(4, atC.size(), "all fragmented frames arrive");
        }
    }

    // ------------------------------------------------------------------ loss and latency

    @Test
    void deliveryMatchesTheDeclaredLossBehaviour() throws Exception {
        Endpoint a = started(0);
        Endpoint b = started(1);
        Pair p = pair(a, b, true);
        int mtu = p.a.link.mtu();
        List<byte[]> sent = new ArrayList<>();
        for (int batch = 0; batch < 4; batch++) {
            List<CompletableFuture<Void>> sending = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                byte[] f = frame(1 + random.nextInt(mtu));
                sent.add(f);
                sending.add(p.a.send(f));
            }
            for (CompletableFuture<Void> s : sending) {
                awaitSent(s, "send");
            }
        }
        if (!lossy(a)) {
            assertTrue(await(() -> p.b.receiver.frameCount() >= sent.size(), WAIT), "a transport that is not lossy "
                    + "delivers every frame; got " + p.b.receiver.frameCount() + " of " + sent.size());
        }
        runFor(SETTLE);
        assertDelivery(a, sent, p.b.receiver.frames());
        assertFalse(p.b.receiver.frames().isEmpty(), "even a lossy medium delivers some of " + sent.size() + " frames");
        if (style(a) == LinkStyle.CONNECT || p.b.link.mode() == LinkMode.DUPLEX) {
            byte[] back = frame(30);
            deliver(p.b, p.a, back);
        }
    }

    @Test
    void latencyIsConsistentWithTheProfile() throws Exception {
        Endpoint a = started(0);
        Endpoint b = started(1);
        Pair p = pair(a, b, true);
        TransportProfile profile = a.transport.profile();
        for (int size : new int[] {16, p.a.link.mtu()}) {
            long measured = measureOneWayNanos(p, frame(size));
            double serialisation = size * 8.0 * 1e9 / profile.bitrate();
            double expected = profile.latency().toNanos() + serialisation;
            // on the wall clock a loaded machine adds scheduling noise: real-time media get 50 ms of it
            long slack = fixture.realTime() ? 50_000_000L : 10_000_000L;
            assertTrue(measured <= 3 * expected + slack, "a " + size + "-byte frame took "
                    + measured / 1e6 + " ms; the profile promises about " + expected / 1e6 + " ms (latency "
                    + profile.latency().toMillis() + " ms + " + serialisation / 1e6 + " ms at " + profile.bitrate()
                    + " bit/s)");
            if (serialisation > 5_000_000) {
                assertTrue(measured >= serialisation / 2, "a " + size + "-byte frame took only " + measured / 1e6
                        + " ms: faster than the declared bit rate of " + profile.bitrate() + " bit/s allows");
            }
        }
    }

    // ------------------------------------------------------------------ hostile input

    @Test
    void hostileInputIsBoundedAndTheTransportKeepsWorking() throws Exception {
        Endpoint t = started(0);
        Optional<HostilePeer> peer = fixture.hostilePeer(t.transport);
        assumeTrue(peer.isPresent(), "the fixture offers no raw peer for this medium");
        try (HostilePeer hostile = peer.get()) {
            List<LinkHandle> seen = new ArrayList<>();
            runFor(SETTLE);
            startNewLinks(t, seen);
            for (byte[] raw : hostile.hostileInputs()) {
                hostile.inject(raw);
                runFor(SETTLE);
                startNewLinks(t, seen);
                TransportState state = t.context.state();
                assertTrue(state != TransportState.FAILED && state != TransportState.STOPPED, "after hostile input "
                        + describe(raw) + " the transport is " + state + " (" + t.context.stateDetail() + ")");
            }
            for (LinkHandle h : seen) {
                for (byte[] got : h.receiver.frames()) {
                    assertTrue(got.length <= h.link.mtu(), h + " delivered a frame of " + got.length
                            + " bytes, above its MTU of " + h.link.mtu());
                }
            }
            byte[] probe = frame(32);
            hostile.inject(hostile.wellFormed(probe));
            boolean arrived = await(() -> {
                startNewLinks(t, seen);
                return seen.stream().anyMatch(h -> h.receiver.frames().stream().anyMatch(f -> Arrays.equals(f, probe)));
            }, WAIT);
            assertTrue(arrived, "after the hostile input a well-formed frame still arrives");
        }
    }

    // ------------------------------------------------------------------ concurrent links

    @Test
    void concurrentLinksAreIsolated() throws Exception {
        assumeTrue(fixture.maxTransports() >= 3, "needs three transports");
        Endpoint a = started(0);
        Endpoint b = started(1);
        Endpoint c = started(2);
        if (style(a) == LinkStyle.CONNECT) {
            Pair ab = pair(a, b, true);
            Pair ac = pair(a, c, true);
            // a connectionless medium has one link per pair of addresses: the second link then goes from c to b
            Pair ab2 = fixture.connectionless() ? pair(c, b, true) : pair(a, b, true);
            byte[] toB = frame(40);
            byte[] toC = frame(41);
            byte[] toB2 = frame(42);
            awaitSent(ab.a.send(toB), "send to b");
            awaitSent(ac.a.send(toC), "send to c");
            awaitSent(ab2.a.send(toB2), "send to b on a second link");
            runFor(SETTLE);
            assertOnly(ab.b, toB, List.of(toC, toB2));
            assertOnly(ac.b, toC, List.of(toB, toB2));
            assertOnly(ab2.b, toB2, List.of(toB, toC));
            ab.a.link.close();
            runFor(SETTLE);
            assertFalse(ac.a.receiver.closed() || ab2.a.receiver.closed(), "closing one link leaves the others open");
            deliver(ac.a, ac.b, frame(43));
            deliver(ab2.a, ab2.b, frame(44));
        } else {
            LinkHandle la = offered(a);
            LinkHandle lb = offered(b);
            LinkHandle lc = offered(c);
            assumeTrue(la.link.mode() == LinkMode.BROADCAST, "one offered link per transport: nothing to isolate");
            la.start();
            lb.start();
            lc.start();
            byte[] fromA = frame(50);
            awaitSent(la.send(fromA), "broadcast from a");
            assertTrue(await(() -> contains(lb, fromA) && contains(lc, fromA), WAIT),
                    "a broadcast frame reaches every station in range");
            byte[] fromB = frame(51);
            awaitSent(lb.send(fromB), "broadcast from b");
            assertTrue(await(() -> contains(la, fromB) && contains(lc, fromB), WAIT), "and so does b's");
            runFor(SETTLE);
            assertFalse(contains(la, fromA), "a station does not receive its own transmission");
            lb.link.close();
            runFor(SETTLE);
            byte[] again = frame(52);
            awaitSent(la.send(again), "broadcast after b closed its link");
            assertTrue(await(() -> contains(lc, again), WAIT), "closing one station's link leaves the others working");
        }
    }

    // ================================================================== helpers for subclasses

    /** @return transport {@code index} of the fixture, not yet started */
    protected final Endpoint endpoint(int index) throws Exception {
        Endpoint e = new Endpoint(index, fixture.create(index, clock));
        endpoints.add(e);
        return e;
    }

    /** @return transport {@code index}, started and up */
    protected final Endpoint started(int index) throws Exception {
        Endpoint e = endpoint(index);
        e.start();
        awaitUp(e);
        return e;
    }

    protected final LinkStyle style(Endpoint e) {
        return fixture.linkStyle(e.transport);
    }

    /**
     * A link from {@code a} to {@code b}. Its end at {@code a} is started; its end at {@code b} only if
     * {@code startB}. For offered links, the ends are each transport's first offered link.
     */
    protected final Pair pair(Endpoint a, Endpoint b, boolean startB) throws Exception {
        LinkHandle la;
        LinkHandle lb;
        if (style(a) == LinkStyle.CONNECT) {
            int before = b.context.incomingLinks().size();
            MeshAddress target = fixture.addressOf(b.transport, b.context.localAddresses());
            CompletableFuture<Link> opening = a.transport.connect(target).toCompletableFuture();
            assertTrue(await(opening::isDone, WAIT), "connect to " + target + " completes");
            la = handle(a, join(opening, "connect to " + target));
            assertTrue(await(() -> b.context.incomingLinks().size() > before, WAIT), b + " reports the incoming link");
            lb = handle(b, b.context.incomingLinks().get(before));
        } else {
            la = offered(a);
            lb = offered(b);
        }
        la.start();
        if (startB) {
            lb.start();
        }
        return new Pair(la, lb);
    }

    /** @return the first link {@code e} offered through its context (waiting for it) */
    protected final LinkHandle offered(Endpoint e) throws Exception {
        assertTrue(await(() -> !e.context.incomingLinks().isEmpty(), WAIT), e + " offers a link when it starts");
        Link link = e.context.incomingLinks().get(0);
        for (LinkHandle h : handles) {
            if (h.link == link) {
                return h;
            }
        }
        return handle(e, link);
    }

    private LinkHandle handle(Endpoint owner, Link link) {
        LinkHandle h = new LinkHandle(owner, link, handles.size());
        handles.add(h);
        return h;
    }

    private void startNewLinks(Endpoint e, List<LinkHandle> seen) {
        for (Link link : e.context.incomingLinks()) {
            if (seen.stream().noneMatch(h -> h.link == link)) {
                LinkHandle h = handle(e, link);
                h.start();
                seen.add(h);
            }
        }
    }

    /** Sends {@code payload} until it arrives intact (once for reliable media, a few tries for lossy ones). */
    protected final void deliver(LinkHandle from, LinkHandle to, byte[] payload) throws Exception {
        int tries = lossy(from.owner) ? 5 : 1;
        for (int i = 0; i < tries; i++) {
            awaitSent(from.send(payload), "send of " + payload.length + " bytes");
            if (await(() -> contains(to, payload), i == tries - 1 ? WAIT : SETTLE)) {
                return;
            }
        }
        fail("a frame of " + payload.length + " bytes (" + describe(payload) + ") did not arrive at " + to
                + "; it received " + to.receiver.frameCount() + " frames");
    }

    private long measureOneWayNanos(Pair p, byte[] payload) throws Exception {
        int tries = lossy(p.a.owner) ? 5 : 1;
        boolean wall = fixture.realTime();
        for (int i = 0; i < tries; i++) {
            int before = p.b.receiver.frameCount();
            long sentAt = wall ? System.nanoTime() : clock.nanoTime();
            awaitSent(p.a.send(payload), "send");
            if (await(() -> contains(p.b, payload), WAIT)) {
                List<byte[]> frames = p.b.receiver.frames();
                for (int k = before; k < frames.size(); k++) {
                    if (Arrays.equals(frames.get(k), payload)) {
                        return (wall ? p.b.receiver.arrivalWallNanos(k) : p.b.receiver.arrivalNanos(k)) - sentAt;
                    }
                }
            }
        }
        throw new AssertionError("a frame of " + payload.length + " bytes never arrived, so no latency to measure");
    }

    private static boolean contains(LinkHandle h, byte[] payload) {
        return h.receiver != null && h.receiver.frames().stream().anyMatch(f -> Arrays.equals(f, payload));
    }

    private void assertOnly(LinkHandle h, byte[] expected, List<byte[]> others) {
        assertTrue(contains(h, expected), h + " receives its frame");
        for (byte[] other : others) {
            assertFalse(contains(h, other), h + " receives a frame sent on another link");
        }
    }

    /** Reliable media: exactly {@code sent}, in order. Lossy ones: only whole frames that were sent. */
    private void assertDelivery(Endpoint sender, List<byte[]> sent, List<byte[]> received) {
        if (lossy(sender)) {
            for (byte[] got : received) {
                assertTrue(sent.stream().anyMatch(s -> Arrays.equals(s, got)), "a lossy medium may lose frames, "
                        + "never alter them; got " + describe(got));
            }
        } else {
            assertEquals(sent.size(), received.size(), "frames received (no loss, no duplicates)");
            for (int i = 0; i < sent.size(); i++) {
                assertArrayEquals(sent.get(i), received.get(i), "frame " + i + " intact and in order");
            }
        }
    }

    protected final boolean lossy(Endpoint e) {
        return e.transport.profile().lossy();
    }

    private void assertSendFails(Link link, String what) throws Exception {
        Throwable error = failureOf(() -> link.send(new byte[16]), what);
        assertTrue(error instanceof TransportException, what + " fails with a TransportException, got " + error);
    }

    /** Calls {@code action}, which must not throw, and returns how its stage failed. */
    private <T> Throwable failureOf(StageAction<T> action, String what) throws Exception {
        CompletionStage<T> stage;
        try {
            stage = action.run();
        } catch (RuntimeException e) {
            throw new AssertionError(what + " threw " + e + " instead of failing its stage", e);
        }
        Throwable error = await(stage, what);
        assertNotNull(error, what + " must fail");
        return error;
    }

    /** Runs the clock until {@code stage} completes; returns its failure, or {@code null} on success. */
    private Throwable await(CompletionStage<?> stage, String what) throws Exception {
        CompletableFuture<?> future = stage.toCompletableFuture();
        assertTrue(await(future::isDone, WAIT), what + " completes within " + WAIT.toMinutes() + " virtual minutes");
        try {
            future.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    private void awaitSent(CompletionStage<Void> sending, String what) throws Exception {
        Throwable error = await(sending, what);
        if (error != null) {
            throw new AssertionError(what + " failed: " + error, error);
        }
    }

    private static <T> T join(CompletableFuture<T> future, String what) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw new AssertionError(what + " failed: " + e.getCause(), e.getCause());
        }
    }

    protected final void awaitUp(Endpoint e) throws Exception {
        assertTrue(await(() -> e.context.state() == TransportState.ACTIVE
                || e.context.state() == TransportState.DEGRADED, WAIT), e + " reports ACTIVE after start; it reported "
                        + e.context.states() + " " + e.context.stateDetail());
    }

    /**
     * Runs the virtual clock until {@code condition} holds or {@code timeout} of virtual time passed. When the clock
     * has nothing to do, waits briefly in real time for work handed over by other threads (real I/O).
     */
    protected final boolean await(BooleanSupplier condition, Duration timeout) {
        if (fixture.realTime()) {
            return stepInRealTime(condition, timeout);
        }
        long deadline = clock.nanoTime() + timeout.toNanos();
        long patience = System.nanoTime() + 300_000_000L;
        while (!condition.getAsBoolean()) {
            long left = deadline - clock.nanoTime();
            if (left <= 0) {
                return false;
            }
            long before = clock.tasksRun();
            if (clock.runUntil(condition, Duration.ofNanos(left))) {
                return true;
            }
            if (clock.tasksRun() != before) {
                patience = System.nanoTime() + 300_000_000L;
            } else if (System.nanoTime() > patience) {
                clock.runFor(Duration.ofNanos(Math.max(0, deadline - clock.nanoTime())));
                return condition.getAsBoolean();
            } else {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    /** Lets {@code duration} of virtual time pass, running everything that falls due. */
    protected final void runFor(Duration duration) {
        if (fixture.realTime()) {
            stepInRealTime(() -> false, duration);
        } else {
            clock.runFor(duration);
        }
    }

    /** Virtual time per step for real-time fixtures. */
    static final Duration REAL_TIME_STEP = Duration.ofSeconds(5);
    /** Wall time real I/O gets before each step. */
    static final long REAL_TIME_PATIENCE_NANOS = 10_000_000L;

    /**
     * For {@link TransportFixture#realTime()} media: runs what is due now, gives real I/O up to 10 ms of wall time to
     * make {@code condition} true, then advances the clock by one step (5 virtual seconds), until the condition
     * holds or {@code timeout} of virtual time has passed.
     */
    private boolean stepInRealTime(BooleanSupplier condition, Duration timeout) {
        long deadline = clock.nanoTime() + timeout.toNanos();
        while (true) {
            clock.runFor(Duration.ZERO);
            long patience = System.nanoTime() + REAL_TIME_PATIENCE_NANOS;
            while (!condition.getAsBoolean() && System.nanoTime() < patience) {
                clock.runFor(Duration.ZERO);
                try {
                    Thread.sleep(0, 200_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            if (condition.getAsBoolean()) {
                return true;
            }
            long left = deadline - clock.nanoTime();
            if (left <= 0) {
                return false;
            }
            clock.runFor(Duration.ofNanos(Math.min(left, REAL_TIME_STEP.toNanos())));
        }
    }

    /** @return random bytes, different for every call */
    protected final byte[] frame(int size) {
        byte[] f = new byte[size];
        random.nextBytes(f);
        return f;
    }

    private static byte[] repeat(byte[] pattern, int size) {
        byte[] f = new byte[size];
        for (int i = 0; i < size; i++) {
            f[i] = pattern[i % pattern.length];
        }
        return f;
    }

    protected static String describe(byte[] bytes) {
        String hex = HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 12));
        return bytes.length + " bytes " + hex + (bytes.length > 12 ? "..." : "");
    }

    @FunctionalInterface
    private interface StageAction<T> {
        CompletionStage<T> run();
    }

    /** One transport under test and the context it reports to. */
    protected final class Endpoint {
        public final int index;
        public final Transport transport;
        public RecordingContext context;
        private boolean running;

        Endpoint(int index, Transport transport) {
            this.index = index;
            this.transport = transport;
            this.context = new RecordingContext(clock);
        }

        public void start() throws TransportException {
            running = true;
            transport.start(context);
        }

        /** Starts again with a fresh context, as the core does after it let go of a transport. */
        public void restart() throws TransportException {
            context = new RecordingContext(clock);
            start();
        }

        public void stop() {
            if (running) {
                running = false;
                transport.stop();
            }
        }

        @Override
        public String toString() {
            return "transport " + index + " (" + transport.id() + ")";
        }
    }

    /** A link under test: the transport's {@link Link} and, once started, the receiver recording what it got. */
    protected final class LinkHandle {
        public final Endpoint owner;
        public final Link link;
        private final int number;
        public RecordingReceiver receiver;

        LinkHandle(Endpoint owner, Link link, int number) {
            this.owner = owner;
            this.link = link;
            this.number = number;
        }

        public void start() {
            if (receiver == null) {
                receiver = new RecordingReceiver(clock, toString());
                link.start(receiver);
            }
        }

        public CompletableFuture<Void> send(byte[] frame) {
            return link.send(frame.clone()).toCompletableFuture();
        }

        @Override
        public String toString() {
            return "link " + number + " of transport " + owner.index + " (" + link.mode() + " "
                    + link.remoteAddress() + ")";
        }
    }

    /** Two ends of one link, or two stations' channel links. */
    protected static final class Pair {
        public final LinkHandle a;
        public final LinkHandle b;

        Pair(LinkHandle a, LinkHandle b) {
            this.a = a;
            this.b = b;
        }
    }
}
