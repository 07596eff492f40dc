package org.sovereignmesh.core.internal;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.sovereignmesh.store.MeshStore;
import org.sovereignmesh.store.QueueEntry;
import org.sovereignmesh.store.RecordQueue;

/**
 * The node's journal in the {@link MeshStore}: one queue per section ({@code core.outbox}, {@code core.custody},
 * {@code core.delivered}), encrypted at rest and committed before each call returns.
 */
final class StoreJournal implements NodeJournal {
    private final Map<Section, RecordQueue> queues = new EnumMap<>(Section.class);
    private final String location;

    StoreJournal(MeshStore store) {
        for (Section section : Section.values()) {
            queues.put(section, store.queue("core." + section.name().toLowerCase(java.util.Locale.ROOT)));
        }
        this.location = "the store at " + store.location();
    }

    @Override
    public boolean durable() {
        return true;
    }

    @Override
    public long append(Section section, byte[] record) {
        return queues.get(section).append(record);
    }

    @Override
    public void remove(Section section, long sequence) {
        queues.get(section).remove(sequence);
    }

    @Override
    public List<Entry> load(Section section) {
        List<Entry> entries = new ArrayList<>();
        for (QueueEntry entry : queues.get(section).peek(Integer.MAX_VALUE)) {
            entries.add(new Entry(entry.sequence(), entry.item()));
        }
        return entries;
    }

    @Override
    public String location() {
        return location;
    }
}
