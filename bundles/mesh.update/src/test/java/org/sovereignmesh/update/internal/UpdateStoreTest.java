package org.sovereignmesh.update.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's records in the store: values larger than one entry, and writes a kill interrupts. */
class UpdateStoreTest {
    @TempDir
    Path dir;
    private final MemoryKeyValueStore records = new MemoryKeyValueStore();

    private static String text(int length, char c) {
        return String.valueOf(c).repeat(length);
    }

    @Test
    void aStateLargerThanOneEntryIsWrittenInPiecesAndReadBackWhole() throws Exception {
        UpdateStore store = new UpdateStore(dir, records, 100);
        assertNull(store.readState());
        store.writeState(text(250, 'a'));
        assertEquals(text(250, 'a'), store.readState());
        assertEquals(List.of("state.1.0", "state.1.1", "state.1.2"), records.keys("state.", 100));
        store.writeState(text(50, 'b'));
        assertEquals(text(50, 'b'), store.readState());
        assertEquals(List.of("state.2.0"), records.keys("state.", 100), "the earlier pieces are gone");
        store.writeState("");
        assertEquals("", store.readState());
        assertTrue(records.keys("state.", 100).isEmpty());
    }

    @Test
    void aWriteKilledHalfwayLeavesThePreviousValueWholeAndItsLeftoversGoWithTheNextWrite() throws Exception {
        UpdateStore store = new UpdateStore(dir, records, 100);
        store.writeState(text(150, 'a'));
        for (int allowed = 0; allowed < 3; allowed++) {
            records.failAfterWrites = allowed; // killed after writing `allowed` of the new value's three pieces
            assertThrows(IOException.class, () -> store.writeState(text(300, 'b')));
            records.failAfterWrites = -1;
            assertEquals(text(150, 'a'), new UpdateStore(dir, records, 100).readState(), "after " + allowed + " writes");
        }
        store.writeState(text(120, 'c'));
        assertEquals(text(120, 'c'), store.readState());
        assertEquals(2, records.keys("state.", 100).size(), "only the current generation's pieces remain");
    }

    @Test
    void aDamagedEntryIsNamed() throws Exception {
        UpdateStore store = new UpdateStore(dir, records, 100);
        store.writeState(text(150, 'a'));
        records.entries.remove("state.1.1");
        IOException missing = assertThrows(IOException.class, store::readState);
        assertEquals("store entry state.1.1 is missing", missing.getMessage());
        records.entries.put("state", new byte[3]);
        IOException pointer = assertThrows(IOException.class, store::readState);
        assertEquals("store entry state is damaged: 3 bytes, expected 20", pointer.getMessage());
    }

    @Test
    void aDamagedStateIsSetAsideWhole() throws Exception {
        UpdateStore store = new UpdateStore(dir, records, 100);
        store.writeState(text(150, 'x'));
        store.setAsideDamagedState(text(150, 'x'));
        assertNull(store.readState());
        assertTrue(records.keys("state.", 100).isEmpty());
        assertEquals(List.of("damaged-state.1.0", "damaged-state.1.1"), records.keys("damaged-state.", 100));
    }
}
