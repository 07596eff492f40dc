package org.sovereignmesh.crypto;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Remembers sealed packets already accepted, so a copy replayed by anyone is refused, and refuses packets too old to
 * be remembered. Memory is bounded. Not thread-safe.
 */
@ProviderType
public interface ReplayGuard {

    /**
     * Accepts {@code packet} once.
     *
     * @throws CryptoException if it was seen before, is older than the guard's horizon, or is dated too far in the
     *         future
     */
    void accept(OpenedPacket packet, long nowMillis) throws CryptoException;
}
