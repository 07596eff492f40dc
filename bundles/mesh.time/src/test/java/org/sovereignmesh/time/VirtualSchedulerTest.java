package org.sovereignmesh.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.time.Cancellable;

class VirtualSchedulerTest {

    @Test
    void runsTasksInDueOrderAndAdvancesTime() {
        VirtualScheduler s = new VirtualScheduler(1000);
        List<String> log = new ArrayList<>();
        s.schedule(() -> log.add("b@" + s.nanoTime()), 20, TimeUnit.MILLISECONDS);
        s.schedule(() -> log.add("a@" + s.nanoTime()), 10, TimeUnit.MILLISECONDS);
        s.schedule(() -> log.add("a2@" + s.nanoTime()), 10, TimeUnit.MILLISECONDS);
        s.execute(() -> log.add("now@" + s.nanoTime()));
        assertTrue(log.isEmpty(), "nothing runs before the scheduler is driven");
        s.runFor(Duration.ofMillis(15));
        assertEquals(List.of("now@0", "a@10000000", "a2@10000000"), log);
        assertEquals(15_000_000, s.nanoTime());
        assertEquals(1015, s.currentTimeMillis());
        s.runUntilIdle(Duration.ofHours(1));
        assertEquals("b@20000000", log.get(3));
    }

    @Test
    void repeatsAtFixedRateUntilCancelled() {
        VirtualScheduler s = new VirtualScheduler();
        List<Long> runs = new ArrayList<>();
        Cancellable c = s.scheduleAtFixedRate(() -> runs.add(s.nanoTime() / 1_000_000), 5, 10, TimeUnit.MILLISECONDS);
        s.runFor(Duration.ofMillis(40));
        assertEquals(List.of(5L, 15L, 25L, 35L), runs);
        assertTrue(c.cancel());
        assertFalse(c.cancel());
        s.runFor(Duration.ofMillis(100));
        assertEquals(4, runs.size());
    }

    @Test
    void cancelledTasksNeverRunAndFailuresDoNotStopTheLoop() {
        VirtualScheduler s = new VirtualScheduler();
        List<String> log = new ArrayList<>();
        Cancellable c = s.schedule(() -> log.add("cancelled"), 1, TimeUnit.SECONDS);
        s.schedule(() -> {
            throw new IllegalStateException("boom (expected by the test)");
        }, 1, TimeUnit.SECONDS);
        s.schedule(() -> log.add("after failure"), 2, TimeUnit.SECONDS);
        assertTrue(c.cancel());
        s.runUntilIdle(Duration.ofMinutes(1));
        assertEquals(List.of("after failure"), log);
        assertEquals(2, s.tasksRun() - 1, "the cancelled task is skipped, the other two ran");
    }

    @Test
    void inPropagatingModeATaskFailureEscapesToTheDriver() {
        VirtualScheduler s = new VirtualScheduler().propagateTaskFailures();
        s.schedule(() -> {
            throw new IllegalArgumentException("unexpected");
        }, 1, TimeUnit.SECONDS);
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> s.runFor(Duration.ofSeconds(2)));
        assertTrue(e.getCause() instanceof IllegalArgumentException);
    }

    @Test
    void runUntilStopsWhenTheConditionHolds() {
        VirtualScheduler s = new VirtualScheduler();
        int[] count = {0};
        s.scheduleAtFixedRate(() -> count[0]++, 0, 1, TimeUnit.SECONDS);
        assertTrue(s.runUntil(() -> count[0] == 3, Duration.ofMinutes(1)));
        assertEquals(2_000_000_000L, s.nanoTime());
        assertFalse(s.runUntil(() -> count[0] == 1000, Duration.ofSeconds(10)));
    }

    @Test
    void tasksScheduledByTasksRunAtTheRightVirtualTime() {
        VirtualScheduler s = new VirtualScheduler();
        List<Long> at = new ArrayList<>();
        s.schedule(() -> s.schedule(() -> at.add(s.nanoTime()), 3, TimeUnit.SECONDS), 2, TimeUnit.SECONDS);
        s.runUntilIdle(Duration.ofMinutes(1));
        assertEquals(List.of(5_000_000_000L), at);
    }
}
