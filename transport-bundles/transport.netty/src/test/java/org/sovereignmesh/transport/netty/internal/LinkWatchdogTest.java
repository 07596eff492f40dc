package org.sovereignmesh.transport.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.time.VirtualScheduler;

class LinkWatchdogTest {
    private final VirtualScheduler clock = new VirtualScheduler();
    private final TransportSettings settings = TransportSettings.defaults(0).withTimeouts(Duration.ofSeconds(60),
            Duration.ofSeconds(20), Duration.ofSeconds(15), Duration.ofSeconds(10));
    private final LinkWatchdog watchdog = new LinkWatchdog(clock, settings);

    /** A link whose times the test sets. */
    final class FakeLink implements LinkWatchdog.Watched {
        long opened = clock.nanoTime();
        long lastRead = opened;
        long lastWrite = opened;
        long partialSince = -1;
        boolean framed;
        String closedBecause;
        int keepalives;

        @Override
        public long openedNanos() {
            return opened;
        }

        @Override
        public long lastReadNanos() {
            return lastRead;
        }

        @Override
        public long lastWriteNanos() {
            return lastWrite;
        }

        @Override
        public long partialSinceNanos() {
            return partialSince;
        }

        @Override
        public boolean framed() {
            return framed;
        }

        @Override
        public void timedOut(String reason) {
            closedBecause = reason;
        }

        @Override
        public void keepalive() {
            keepalives++;
            lastWrite = clock.nanoTime();
        }

        void frame() {
            framed = true;
            lastRead = clock.nanoTime();
            partialSince = -1;
        }
    }

    @Test
    void aLinkThatNeverSendsAFrameIsClosedAfterTheFirstFrameTimeout() {
        FakeLink link = new FakeLink();
        watchdog.watch(link);
        watchdog.start();
        clock.runFor(Duration.ofSeconds(14));
        assertNull(link.closedBecause);
        clock.runFor(Duration.ofSeconds(2));
        assertEquals("no frame within 15 s of connecting", link.closedBecause);
        assertEquals(0, watchdog.size());
    }

    @Test
    void aStartedFrameThatNeverCompletesIsASlowloris() {
        FakeLink link = new FakeLink();
        link.frame();
        watchdog.watch(link);
        watchdog.start();
        clock.runFor(Duration.ofSeconds(5));
        link.partialSince = clock.nanoTime();
        for (int i = 0; i < 9; i++) {
            clock.runFor(Duration.ofSeconds(1));
            link.lastRead = clock.nanoTime(); // a byte now and then keeps it from looking idle
        }
        assertNull(link.closedBecause);
        clock.runFor(Duration.ofSeconds(2));
        assertTrue(link.closedBecause.contains("not completed within 10 s"), link.closedBecause);
    }

    @Test
    void silentLinksAreClosedAndQuietOnesGetKeepalives() {
        FakeLink silent = new FakeLink();
        silent.frame();
        FakeLink chatty = new FakeLink();
        chatty.frame();
        watchdog.watch(silent);
        watchdog.watch(chatty);
        watchdog.start();
        for (int i = 0; i < 70; i++) {
            clock.runFor(Duration.ofSeconds(1));
            chatty.frame();
        }
        assertEquals("nothing received for 60 s", silent.closedBecause);
        assertNull(chatty.closedBecause);
        assertTrue(chatty.keepalives >= 3, "keepalive every 20 s without sending: " + chatty.keepalives);
    }

    @Test
    void stopEndsTheSweeps() {
        FakeLink link = new FakeLink();
        watchdog.watch(link);
        watchdog.start();
        watchdog.stop();
        clock.runFor(Duration.ofMinutes(5));
        assertNull(link.closedBecause);
    }
}
