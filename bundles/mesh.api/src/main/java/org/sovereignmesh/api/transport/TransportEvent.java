package org.sovereignmesh.api.transport;

import java.util.Objects;
import java.util.Optional;

/** Something that happened to a transport or a link, as told to {@link TransportEventListener}s. Immutable. */
public final class TransportEvent {

    /** What happened. */
    public enum Kind {
        /** A transport service was tracked; {@link #transport()} is set. */
        TRANSPORT_ADDED,
        /** A transport's state or local addresses changed; {@link #transport()} is set. */
        TRANSPORT_CHANGED,
        /** A transport service went away and its links were closed; {@link #transport()} is set. */
        TRANSPORT_REMOVED,
        /** A link's neighbour was authenticated; {@link #link()} is set. */
        LINK_ESTABLISHED,
        /** A link closed; {@link #link()} is set and {@link #detail()} says why. */
        LINK_CLOSED
    }

    private final Kind kind;
    private final TransportInfo transport;
    private final LinkInfo link;
    private final String detail;

    private TransportEvent(Kind kind, TransportInfo transport, LinkInfo link, String detail) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.transport = transport;
        this.link = link;
        this.detail = detail == null ? "" : detail;
    }

    public static TransportEvent of(Kind kind, TransportInfo transport) {
        return new TransportEvent(kind, Objects.requireNonNull(transport, "transport"), null, null);
    }

    public static TransportEvent of(Kind kind, LinkInfo link, String detail) {
        return new TransportEvent(kind, null, Objects.requireNonNull(link, "link"), detail);
    }

    public Kind kind() {
        return kind;
    }

    public Optional<TransportInfo> transport() {
        return Optional.ofNullable(transport);
    }

    public Optional<LinkInfo> link() {
        return Optional.ofNullable(link);
    }

    /** @return a reason for people, or an empty string */
    public String detail() {
        return detail;
    }

    @Override
    public String toString() {
        return kind + " " + (transport != null ? transport : link) + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
