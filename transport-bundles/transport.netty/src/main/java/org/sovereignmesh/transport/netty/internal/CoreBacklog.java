package org.sovereignmesh.transport.netty.internal;

import java.util.concurrent.Executor;

import org.sovereignmesh.api.time.Scheduler;

/**
 * How far the node's loop is behind the frames one link handed to it. The SPI has no flow control from the core
 * back to a transport, but the node's {@link Scheduler} runs tasks in order: a marker queued on it after some frames
 * runs once the core has taken them in. Confined to the link's event loop.
 */
public final class CoreBacklog {
    /**
     * Bytes a link may hand to the core before it waits for the loop to catch up. Well below the core's own bound on
     * a link's unprocessed bytes (16 MiB), so a fast sender is slowed down, not cut off as a flood.
     */
    public static final long HIGH = 4L << 20;

    private final Scheduler node;
    private final Executor eventLoop;
    private final long markAt;
    private final Runnable caughtUp;
    private long handed;
    private boolean marking;

    /**
     * @param markAt bytes after which a marker is queued on the node's loop
     * @param caughtUp run on the event loop when the marker has run
     */
    public CoreBacklog(Scheduler node, Executor eventLoop, long markAt, Runnable caughtUp) {
        this.node = node;
        this.eventLoop = eventLoop;
        this.markAt = markAt;
        this.caughtUp = caughtUp;
    }

    /** Records bytes handed to the core; queues a marker once {@code markAt} is reached. */
    public void handed(int bytes) {
        handed += bytes;
        if (handed >= markAt && !marking) {
            marking = true;
            node.execute(() -> eventLoop.execute(() -> {
                handed = 0;
                marking = false;
                caughtUp.run();
            }));
        }
    }

    /** @return whether at least {@code bytes} are handed and not yet known to be taken in */
    public boolean atLeast(long bytes) {
        return handed >= bytes;
    }
}
