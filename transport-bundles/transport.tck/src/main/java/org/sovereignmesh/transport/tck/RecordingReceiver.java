package org.sovereignmesh.transport.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.sovereignmesh.api.time.Scheduler;
import org.sovereignmesh.api.transport.FrameReceiver;

/**
 * A {@link FrameReceiver} that records frames with their arrival time and checks the receiving side of the link
 * contract as it goes: calls never overlap, nothing arrives after {@code linkClosed}, which comes at most once.
 * Violations are collected and reported by {@link #violations()}.
 */
public final class RecordingReceiver implements FrameReceiver {
    private final Scheduler clock;
    private final String name;
    private final List<byte[]> frames = new CopyOnWriteArrayList<>();
    private final List<Long> arrivalNanos = new CopyOnWriteArrayList<>();
    private final List<Long> arrivalWallNanos = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final AtomicInteger inside = new AtomicInteger();
    private volatile int closeCount;
    private volatile Throwable closeCause;

    public RecordingReceiver(Scheduler clock, String name) {
        this.clock = clock;
        this.name = name;
    }

    @Override
    public void frameReceived(byte[] frame) {
        enter("frameReceived");
        try {
            if (closeCount > 0) {
                violations.add(name + ": frame of " + frame.length + " bytes delivered after linkClosed");
            }
            frames.add(frame);
            arrivalNanos.add(clock.nanoTime());
            arrivalWallNanos.add(System.nanoTime());
        } finally {
            inside.decrementAndGet();
        }
    }

    @Override
    public void linkClosed(Throwable cause) {
        enter("linkClosed");
        try {
            closeCount++;
            closeCause = cause;
            if (closeCount > 1) {
                violations.add(name + ": linkClosed called " + closeCount + " times");
            }
        } finally {
            inside.decrementAndGet();
        }
    }

    private void enter(String method) {
        if (inside.incrementAndGet() > 1) {
            violations.add(name + ": " + method + " called while another call for the same link was running");
        }
    }

    public List<byte[]> frames() {
        return new ArrayList<>(frames);
    }

    public int frameCount() {
        return frames.size();
    }

    /** @return the scheduler's {@code nanoTime()} when frame {@code index} arrived */
    public long arrivalNanos(int index) {
        return arrivalNanos.get(index);
    }

    /** @return when frame {@code index} arrived by the wall clock ({@link System#nanoTime()}), for real-time media */
    public long arrivalWallNanos(int index) {
        return arrivalWallNanos.get(index);
    }

    public int closeCount() {
        return closeCount;
    }

    public boolean closed() {
        return closeCount > 0;
    }

    public Throwable closeCause() {
        return closeCause;
    }

    public List<String> violations() {
        return new ArrayList<>(violations);
    }

    @Override
    public String toString() {
        return name;
    }
}
