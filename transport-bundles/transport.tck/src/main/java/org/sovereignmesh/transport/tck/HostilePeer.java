package org.sovereignmesh.transport.tck;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A neighbour that speaks the medium's raw byte or signal level rather than the transport, so the kit can feed a
 * transport malformed input. Provided by a {@link TransportFixture}.
 */
@ConsumerType
public interface HostilePeer extends AutoCloseable {

    /** Puts {@code raw} on the medium towards the transport under test, exactly as given. */
    void inject(byte[] raw) throws Exception;

    /**
     * @return raw inputs that break the medium's framing: garbage, truncated or unterminated frames, bad escapes,
     *         frames far above the MTU, endless streams. The kit injects each and then checks the transport still
     *         works.
     */
    List<byte[]> hostileInputs();

    /** @return the raw form of a well-formed frame carrying {@code payload}, as a correct peer would send it */
    byte[] wellFormed(byte[] payload);

    @Override
    default void close() throws Exception {
    }
}
