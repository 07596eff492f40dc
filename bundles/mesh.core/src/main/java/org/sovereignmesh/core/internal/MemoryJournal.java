package org.sovereignmesh.core.internal;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A journal in memory: nothing survives the process. Used by tests (one instance outlives the node objects that
 * stand for a crashed and restarted node) and by the simulator.
 */
final class MemoryJournal implements NodeJournal {
    private final Map<Section, TreeMap<Long, byte[]>> sections = new EnumMap<>(Section.class);
    private long nextSequence = 1;

    MemoryJournal() {
        for (Section section : Section.values()) {
            sections.put(section, new TreeMap<>());
        }
    }

    @Override
    public boolean durable() {
        return false;
    }

    @Override
    public synchronized long append(Section section, byte[] record) {
        long sequence = nextSequence++;
        sections.get(section).put(sequence, record.clone());
        return sequence;
    }

    @Override
    public synchronized void remove(Section section, long sequence) {
        sections.get(section).remove(sequence);
    }

    @Override
    public synchronized List<Entry> load(Section section) {
        List<Entry> entries = new ArrayList<>();
        sections.get(section).forEach((sequence, record) -> entries.add(new Entry(sequence, record.clone())));
        return entries;
    }

    synchronized int size(Section section) {
        return sections.get(section).size();
    }

    @Override
    public String location() {
        return "memory";
    }
}
