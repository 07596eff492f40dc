package org.sovereignmesh.transport.udp.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ReassemblyTest {
    private final AtomicLong budget = new AtomicLong(10_000);
    private final Reassembly reassembly = new Reassembly(3000, 1_000_000_000L, budget);

    @Test
    void fragmentsInAnyOrderMakeTheFrame() throws Exception {
        byte[] a = {1, 2, 3};
        byte[] b = {4, 5};
        assertNull(reassembly.add(7, 1, 2, b, 0, 2, 0));
        assertNull(reassembly.add(7, 1, 2, b, 0, 2, 0), "duplicate ignored");
        assertEquals(10_000 - 2, budget.get(), "the held fragment counts against the budget");
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, reassembly.add(7, 0, 2, a, 0, 3, 0));
        assertEquals(10_000, budget.get(), "all returned to the budget");
        assertEquals(0, reassembly.inProgress());
    }

    @Test
    void memoryIsBoundedByFrameCountBudgetMtuAndTime() throws Exception {
        byte[] piece = new byte[1000];
        for (int id = 0; id < 100; id++) {
            reassembly.add(id, 0, 3, piece, 0, piece.length, 0);
        }
        assertEquals(Reassembly.MAX_PARTIAL_FRAMES, reassembly.inProgress());
        assertEquals(10_000 - Reassembly.MAX_PARTIAL_FRAMES * 1000, budget.get());
        assertThrows(Reassembly.MalformedDatagramException.class, () -> {
            reassembly.add(500, 0, 4, piece, 0, 1000, 0);
            reassembly.add(500, 1, 4, piece, 0, 1000, 0);
            reassembly.add(500, 2, 4, piece, 0, 1000, 0);
            reassembly.add(500, 3, 4, piece, 0, 1000, 0); // 4000 bytes > MTU 3000
        });
        reassembly.expire(2_000_000_000L);
        assertEquals(0, reassembly.inProgress());
        assertEquals(10_000, budget.get());
        AtomicLong tiny = new AtomicLong(1500);
        Reassembly starved = new Reassembly(3000, 1_000_000_000L, tiny);
        assertNull(starved.add(1, 0, 2, piece, 0, 1000, 0));
        assertNull(starved.add(2, 0, 2, piece, 0, 1000, 0), "over the shared budget: dropped");
        assertEquals(1, starved.inProgress());
    }

    @Test
    void impossibleFragmentsAreMalformed() {
        byte[] piece = new byte[10];
        assertThrows(Reassembly.MalformedDatagramException.class, () -> reassembly.add(1, 2, 2, piece, 0, 10, 0));
        assertThrows(Reassembly.MalformedDatagramException.class, () -> reassembly.add(1, 0, 0, piece, 0, 10, 0));
        assertThrows(Reassembly.MalformedDatagramException.class, () -> reassembly.add(1, 0, 1, piece, 0, 0, 0));
        assertThrows(Reassembly.MalformedDatagramException.class, () -> {
            reassembly.add(3, 0, 2, piece, 0, 10, 0);
            reassembly.add(3, 1, 3, piece, 0, 10, 0);
        });
    }
}
