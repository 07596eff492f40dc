package org.sovereignmesh.core.internal;

import java.util.List;

/**
 * What a node keeps across crashes and restarts: its unacknowledged reliable messages, the packets it holds for
 * others, and which messages it delivered (so a retry after a restart is acknowledged, not delivered twice).
 *
 * <p>Each section is an ordered list of records. A durable implementation has written a record when
 * {@link #append} returns. Implementations are thread-safe; their methods may block on I/O, so the node calls
 * them on a writer thread, never on its loop, except {@link #append} for {@link Section#OUTBOX}, which runs on the
 * caller of {@code submit} so that an accepted message is a stored message.
 */
interface NodeJournal {
    enum Section {
        OUTBOX, CUSTODY, DELIVERED
    }

    /** One record and its position. */
    final class Entry {
        final long sequence;
        final byte[] record;

        Entry(long sequence, byte[] record) {
            this.sequence = sequence;
            this.record = record;
        }
    }

    /** @return whether records survive the process (false: kept in memory, for tests and simulation) */
    boolean durable();

    /** @return the record's sequence number, increasing within a section */
    long append(Section section, byte[] record);

    void remove(Section section, long sequence);

    /** @return every record of {@code section}, oldest first */
    List<Entry> load(Section section);

    /** @return where the records live, for people */
    String location();
}
