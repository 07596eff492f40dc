package org.sovereignmesh.dht.internal;

import java.util.List;

import org.sovereignmesh.api.transport.MeshAddress;

/** The DHT's RPCs. Requests carry the sender's self-description; responses echo the request's rpc id. */
public sealed interface DhtMessage {

    long rpc();

    /** What a requester says about itself: whether others may route to it, and where it listens. */
    record Sender(boolean server, List<MeshAddress> addresses) {
        static final Sender CLIENT = new Sender(false, List.of());
    }

    /** A request, which always names its sender. */
    sealed interface Request extends DhtMessage {
        Sender sender();
    }

    record Ping(long rpc, Sender sender) implements Request {
    }

    record Pong(long rpc) implements DhtMessage {
    }

    record FindNode(long rpc, Sender sender, NodeId target) implements Request {
    }

    record Nodes(long rpc, List<Contact> contacts) implements DhtMessage {
    }

    record FindValue(long rpc, Sender sender, NodeId key) implements Request {
    }

    /** Records stored under the key (possibly none) and the closest contacts the responder knows. */
    record Value(long rpc, List<SignedRecord> records, List<Contact> contacts) implements DhtMessage {
    }

    record Store(long rpc, Sender sender, SignedRecord record) implements Request {
    }

    /** The outcome of a {@link Store}: one of the {@code STORED_*} codes of {@link DhtCodec}. */
    record Stored(long rpc, int status) implements DhtMessage {
    }
}
