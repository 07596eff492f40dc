package org.sovereignmesh.transport.tck;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.time.VirtualScheduler;

/**
 * What an integrator gives the kit: a small world in which the transports it creates reach each other. One fixture
 * serves one test; the kit closes it afterwards.
 *
 * <p>All timing of the transports and of any simulated medium behind them must go through {@code clock}: the kit
 * drives it and measures latency on it. A fixture whose medium delivers from other threads (real sockets, ptys)
 * still works: the kit waits a little real time whenever the virtual clock runs out of work.
 */
@ConsumerType
public interface TransportFixture extends AutoCloseable {

    /**
     * @param index 0, 1, ... up to {@link #maxTransports()} - 1; transports of one fixture all reach each other
     * @param clock the scheduler the kit will also pass in every {@code TransportContext}
     * @return a new, unstarted transport
     */
    Transport create(int index, VirtualScheduler clock) throws Exception;

    /** @return how many transports this fixture can create (at least 2; 3 or more enables the isolation tests) */
    default int maxTransports() {
        return 3;
    }

    /**
     * How the kit obtains links. {@link LinkStyle#CONNECT}: {@code a.connect(address of b)}, and b reports the
     * other end through {@code incomingLink}. {@link LinkStyle#OFFERED}: each transport offers its link(s) through
     * {@code incomingLink} when it starts (broadcast channels, a satellite modem's link to its gateway).
     */
    default LinkStyle linkStyle(Transport transport) {
        return transport.profile().broadcast() ? LinkStyle.OFFERED : LinkStyle.CONNECT;
    }

    /**
     * @return the address through which others connect to {@code target}; by default its first local address
     */
    default MeshAddress addressOf(Transport target, List<MeshAddress> reportedLocalAddresses) {
        if (reportedLocalAddresses.isEmpty()) {
            throw new AssertionError(target.id() + " reported no local address");
        }
        return reportedLocalAddresses.get(0);
    }

    /**
     * @return the medium's own frame size when the transport fragments larger frames into pieces of this size
     *         (BLE, audio); 0 when the medium carries whole frames
     */
    default int fragmentSize() {
        return 0;
    }

    /**
     * A raw, misbehaving neighbour of {@code target} on the medium, if the fixture can provide one (a fake modem
     * that writes arbitrary bytes, a socket that sends garbage). Enables the hostile-input tests.
     */
    default Optional<HostilePeer> hostilePeer(Transport target) throws Exception {
        return Optional.empty();
    }

    /**
     * @return whether the medium moves data on threads of its own in real time (sockets, processes) while timers run on
     *         the kit's virtual clock. The kit then advances the clock in steps of a few virtual seconds, giving real
     *         I/O a few milliseconds of wall time before each step, and measures latency on the wall clock. Use it for
     *         transports whose timers keep the clock busy (keepalives, watchdogs), which would otherwise race ahead of
     *         the network.
     */
    default boolean realTime() {
        return false;
    }

    /**
     * @return whether the medium is connectionless (UDP): a connect cannot know whether anyone listens at the
     *         address, and there is one link per pair of addresses. The kit then skips the checks that cannot apply:
     *         connecting to a stopped neighbour, and a second link to the same neighbour.
     */
    default boolean connectionless() {
        return false;
    }

    /** Releases what the fixture opened (ptys, processes); the kit has already stopped every transport. */
    @Override
    default void close() throws Exception {
    }

    /** How links come into being on a medium. */
    enum LinkStyle {
        CONNECT, OFFERED
    }
}
