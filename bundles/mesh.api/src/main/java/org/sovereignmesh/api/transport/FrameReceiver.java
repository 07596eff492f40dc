package org.sovereignmesh.api.transport;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a {@link Link} delivers what it receives. Implemented by the core.
 *
 * <p>Methods may be called from any transport thread, never concurrently for the same link, and return
 * quickly: the core hands the work to its own threads.
 *
 * <p><b>Backpressure.</b> The core handles each link's frames in the order they were received, on the
 * {@link TransportContext#scheduler() scheduler} of the transport's context: a task the transport submits to that
 * scheduler after calling {@link #frameReceived(byte[])} runs only once the core has taken in those frames. A
 * transport that can stop reading (TCP, QUIC, WebSocket) uses this to slow a fast sender down: it pauses after
 * handing over a few megabytes and resumes when such a marker task runs. Frames that pile up unprocessed beyond a
 * bound (16 MiB by default) make the core close the link as a flood.
 */
@ProviderType
public interface FrameReceiver {

    /** One whole frame, as the sender passed it to {@link Link#send(byte[])}. The array belongs to the core. */
    void frameReceived(byte[] frame);

    /**
     * The link is closed and will deliver nothing more. Called once.
     *
     * @param cause why, or {@code null} for an orderly close
     */
    void linkClosed(Throwable cause);
}
