package org.sovereignmesh.api.transport;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a {@link Link} delivers what it receives. Implemented by the core.
 *
 * <p>Methods may be called from any transport thread, never concurrently for the same link, and return
 * quickly: the core hands the work to its own threads.
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
