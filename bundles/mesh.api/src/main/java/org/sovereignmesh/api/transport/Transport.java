package org.sovereignmesh.api.transport;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A medium that carries frames between neighbours: TCP, LoRa, BLE, a USB stick. Register it as an OSGi service;
 * it may come and go at any time.
 *
 * <p>Lifecycle: the core calls {@link #start(TransportContext)} once it tracks the service and {@link #stop()}
 * when it lets go (the service vanished, or the core is stopping); a transport may be started again later with a
 * new context. Both are called from a core thread, never from a service-tracking callback, and should return
 * promptly. A transport that is deactivated by its own bundle closes its resources itself; {@link #stop()} must
 * therefore be idempotent.
 *
 * <p>A transport never does crypto: every frame it carries is already sealed by the core.
 */
@ConsumerType
public interface Transport {

    /**
     * @return a short stable name for this transport instance, for example {@code "tcp"} or {@code "lora-868"};
     *         unique within a node
     */
    String id();

    /** @return what this medium can do; routing and link choice use these numbers */
    TransportProfile profile();

    /**
     * @return whether {@link #connect(MeshAddress)} can reach {@code address}, judged from its protocols alone
     */
    boolean supports(MeshAddress address);

    /**
     * Starts listening, scanning or whatever brings the medium up. Report progress through the context: links via
     * {@link TransportContext#incomingLink(Link)}, neighbours, state and local addresses.
     *
     * @throws TransportException if the medium cannot start (port taken, no adapter...): the core shows the
     *         message and keeps the transport listed as failed
     */
    void start(TransportContext context) throws TransportException;

    /** Closes every link and releases the medium. Idempotent. */
    void stop();

    /**
     * Opens a link to the neighbour at {@code address}. The returned link has not been started: the core calls
     * {@link Link#start(FrameReceiver)} on it.
     *
     * @return a stage completing with the link, or exceptionally with a {@link TransportException}; simplex
     *         transports that cannot open links on demand fail it with {@link UnsupportedOperationException}
     */
    CompletionStage<Link> connect(MeshAddress address);
}
