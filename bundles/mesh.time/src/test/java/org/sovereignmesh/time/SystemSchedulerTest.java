package org.sovereignmesh.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.api.time.Cancellable;

class SystemSchedulerTest {

    @Test
    void runsTasksSeriallyInSubmissionOrderOnItsOwnThread() throws Exception {
        try (SystemScheduler s = new SystemScheduler("test-loop")) {
            List<Integer> order = new CopyOnWriteArrayList<>();
            AtomicBoolean onLoop = new AtomicBoolean(true);
            CountDownLatch done = new CountDownLatch(100);
            for (int i = 0; i < 100; i++) {
                int n = i;
                s.execute(() -> {
                    order.add(n);
                    onLoop.compareAndSet(true, s.inSchedulerThread());
                    done.countDown();
                });
            }
            assertTrue(done.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < 100; i++) {
                assertEquals(i, order.get(i));
            }
            assertTrue(onLoop.get());
            assertFalse(s.inSchedulerThread());
        }
    }

    @Test
    void survivesFailingTasksAndCancelsRepeatingOnes() throws Exception {
        try (SystemScheduler s = new SystemScheduler("test-loop")) {
            s.execute(() -> {
                throw new IllegalStateException("boom (expected by the test)");
            });
            AtomicInteger runs = new AtomicInteger();
            CountDownLatch three = new CountDownLatch(3);
            Cancellable c = s.scheduleAtFixedRate(() -> {
                runs.incrementAndGet();
                three.countDown();
            }, 0, 5, TimeUnit.MILLISECONDS);
            assertTrue(three.await(10, TimeUnit.SECONDS), "the loop kept running after a failed task");
            assertTrue(c.cancel());
            CountDownLatch drained = new CountDownLatch(1);
            s.execute(drained::countDown);
            assertTrue(drained.await(10, TimeUnit.SECONDS));
            int afterCancel = runs.get();
            CountDownLatch later = new CountDownLatch(1);
            s.schedule(later::countDown, 50, TimeUnit.MILLISECONDS);
            assertTrue(later.await(10, TimeUnit.SECONDS));
            assertEquals(afterCancel, runs.get(), "no run after cancel");
        }
    }
}
