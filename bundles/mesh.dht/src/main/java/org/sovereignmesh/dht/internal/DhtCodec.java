package org.sovereignmesh.dht.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.dht.internal.DhtMessage.FindNode;
import org.sovereignmesh.dht.internal.DhtMessage.FindValue;
import org.sovereignmesh.dht.internal.DhtMessage.Nodes;
import org.sovereignmesh.dht.internal.DhtMessage.Ping;
import org.sovereignmesh.dht.internal.DhtMessage.Pong;
import org.sovereignmesh.dht.internal.DhtMessage.Sender;
import org.sovereignmesh.dht.internal.DhtMessage.Store;
import org.sovereignmesh.dht.internal.DhtMessage.Stored;
import org.sovereignmesh.dht.internal.DhtMessage.Value;

/**
 * The DHT's wire format, version 1. Compact and strictly bounded: a decoder never allocates more than the message
 * it reads, refuses trailing bytes, and answers malformed input only with {@link MalformedMessageException}.
 *
 * <pre>
 * message   = version (1) = 1 | type (1) | rpc id (8) | body
 * PING  1   = sender                      PONG   2 = (empty)
 * FIND_NODE 3 = sender | target (32)      NODES  4 = contacts
 * FIND_VALUE 5 = sender | key (32)        VALUE  6 = record count (1) | records | contacts
 * STORE 7   = sender | record             STORED 8 = status (1)
 * sender    = flags (1: bit 0 = routable server) | addresses
 * contacts  = count (1) | count * (Ed25519 public key (32) | addresses)
 * addresses = count (1) | count * (length (1) | multiaddr text, UTF-8)
 * record    = see {@link SignedRecord}
 * </pre>
 */
public final class DhtCodec {
    public static final int VERSION = 1;
    /** Largest message either side sends or accepts; fits one mesh payload. */
    public static final int MAX_MESSAGE_SIZE = 48 * 1024;
    public static final int MAX_CONTACTS = 32;
    public static final int MAX_ADDRESSES = 8;
    public static final int MAX_RECORDS = 32;

    static final int PING = 1;
    static final int PONG = 2;
    static final int FIND_NODE = 3;
    static final int NODES = 4;
    static final int FIND_VALUE = 5;
    static final int VALUE = 6;
    static final int STORE = 7;
    static final int STORED = 8;

    public static final int STORED_OK = 0;
    public static final int STORED_STALE = 1;
    public static final int STORED_INVALID = 2;
    public static final int STORED_QUOTA = 3;

    /** Makes contacts from decoded keys; the simulator shares one instance per node to save memory. */
    public interface ContactFactory {
        Contact contact(byte[] publicKey, List<MeshAddress> addresses);

        ContactFactory DEFAULT = (key, addresses) -> Contact.of(org.sovereignmesh.api.PeerId.fromPublicKey(key), addresses);
    }

    private DhtCodec() {
    }

    // ---------------------------------------------------------------- encoding

    public static byte[] encode(DhtMessage message) {
        ByteBuffer out = ByteBuffer.allocate(size(message));
        out.put((byte) VERSION);
        if (message instanceof Ping p) {
            out.put((byte) PING).putLong(p.rpc());
            sender(out, p.sender());
        } else if (message instanceof Pong p) {
            out.put((byte) PONG).putLong(p.rpc());
        } else if (message instanceof FindNode f) {
            out.put((byte) FIND_NODE).putLong(f.rpc());
            sender(out, f.sender());
            out.put(f.target().toBytes());
        } else if (message instanceof Nodes n) {
            out.put((byte) NODES).putLong(n.rpc());
            contacts(out, n.contacts());
        } else if (message instanceof FindValue f) {
            out.put((byte) FIND_VALUE).putLong(f.rpc());
            sender(out, f.sender());
            out.put(f.key().toBytes());
        } else if (message instanceof Value v) {
            out.put((byte) VALUE).putLong(v.rpc());
            out.put((byte) v.records().size());
            for (SignedRecord r : v.records()) {
                r.encode(out);
            }
            contacts(out, v.contacts());
        } else if (message instanceof Store s) {
            out.put((byte) STORE).putLong(s.rpc());
            sender(out, s.sender());
            s.record().encode(out);
        } else if (message instanceof Stored s) {
            out.put((byte) STORED).putLong(s.rpc()).put((byte) s.status());
        }
        return out.array();
    }

    /** @return the encoded size of {@code message} */
    public static int size(DhtMessage message) {
        int size = 10;
        if (message instanceof Ping p) {
            size += senderSize(p.sender());
        } else if (message instanceof FindNode f) {
            size += senderSize(f.sender()) + 32;
        } else if (message instanceof Nodes n) {
            size += contactsSize(n.contacts());
        } else if (message instanceof FindValue f) {
            size += senderSize(f.sender()) + 32;
        } else if (message instanceof Value v) {
            size += 1 + contactsSize(v.contacts());
            for (SignedRecord r : v.records()) {
                size += r.encodedSize();
            }
        } else if (message instanceof Store s) {
            size += senderSize(s.sender()) + s.record().encodedSize();
        } else if (message instanceof Stored) {
            size += 1;
        }
        return size;
    }

    private static void sender(ByteBuffer out, Sender sender) {
        out.put((byte) (sender.server() ? 1 : 0));
        addresses(out, sender.addresses());
    }

    private static int senderSize(Sender sender) {
        return 1 + addressesSize(sender.addresses());
    }

    private static void contacts(ByteBuffer out, List<Contact> contacts) {
        if (contacts.size() > MAX_CONTACTS) {
            throw new IllegalArgumentException(contacts.size() + " contacts, at most " + MAX_CONTACTS);
        }
        out.put((byte) contacts.size());
        for (Contact c : contacts) {
            out.put(c.peer().publicKey());
            addresses(out, c.addresses());
        }
    }

    private static int contactsSize(List<Contact> contacts) {
        int size = 1;
        for (Contact c : contacts) {
            size += 32 + addressesSize(c.addresses());
        }
        return size;
    }

    private static void addresses(ByteBuffer out, List<MeshAddress> addresses) {
        int count = Math.min(addresses.size(), MAX_ADDRESSES);
        int written = 0;
        int position = out.position();
        out.put((byte) 0);
        for (int i = 0; i < addresses.size() && written < count; i++) {
            byte[] text = addresses.get(i).withoutPeer().toString().getBytes(StandardCharsets.UTF_8);
            if (text.length <= 255) {
                out.put((byte) text.length).put(text);
                written++;
            }
        }
        out.put(position, (byte) written);
    }

    private static int addressesSize(List<MeshAddress> addresses) {
        int size = 1;
        int written = 0;
        for (int i = 0; i < addresses.size() && written < MAX_ADDRESSES; i++) {
            int length = addresses.get(i).withoutPeer().toString().getBytes(StandardCharsets.UTF_8).length;
            if (length <= 255) {
                size += 1 + length;
                written++;
            }
        }
        return size;
    }

    // ---------------------------------------------------------------- decoding

    /**
     * @throws MalformedMessageException saying what is wrong; no other exception escapes
     */
    public static DhtMessage decode(byte[] bytes, ContactFactory contacts) throws MalformedMessageException {
        if (bytes == null || bytes.length < 10) {
            throw new MalformedMessageException("a DHT message has at least 10 bytes, got "
                    + (bytes == null ? "none" : bytes.length));
        }
        if (bytes.length > MAX_MESSAGE_SIZE) {
            throw new MalformedMessageException("DHT message of " + bytes.length + " bytes exceeds " + MAX_MESSAGE_SIZE);
        }
        try {
            MessageReader in = new MessageReader(bytes);
            int version = in.u8("version");
            if (version != VERSION) {
                throw new MalformedMessageException("unsupported DHT protocol version " + version);
            }
            int type = in.u8("type");
            long rpc = in.i64("rpc id");
            DhtMessage message = switch (type) {
                case PING -> new Ping(rpc, sender(in));
                case PONG -> new Pong(rpc);
                case FIND_NODE -> new FindNode(rpc, sender(in), NodeId.of(in.bytes(32, "target")));
                case NODES -> new Nodes(rpc, contacts(in, contacts));
                case FIND_VALUE -> new FindValue(rpc, sender(in), NodeId.of(in.bytes(32, "key")));
                case VALUE -> {
                    int count = in.u8("record count");
                    if (count > MAX_RECORDS) {
                        throw new MalformedMessageException(count + " records, at most " + MAX_RECORDS);
                    }
                    List<SignedRecord> records = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        records.add(SignedRecord.decode(in));
                    }
                    yield new Value(rpc, records, contacts(in, contacts));
                }
                case STORE -> new Store(rpc, sender(in), SignedRecord.decode(in));
                case STORED -> {
                    int status = in.u8("status");
                    if (status > STORED_QUOTA) {
                        throw new MalformedMessageException("unknown store status " + status);
                    }
                    yield new Stored(rpc, status);
                }
                default -> throw new MalformedMessageException("unknown DHT message type " + type);
            };
            in.requireEnd();
            return message;
        } catch (IllegalArgumentException e) {
            // PeerId or NodeId refusing a value: still the sender's fault
            throw new MalformedMessageException("invalid field: " + e.getMessage());
        }
    }

    private static Sender sender(MessageReader in) throws MalformedMessageException {
        int flags = in.u8("sender flags");
        if ((flags & ~1) != 0) {
            throw new MalformedMessageException("unknown sender flags " + flags);
        }
        return new Sender((flags & 1) != 0, addresses(in));
    }

    private static List<Contact> contacts(MessageReader in, ContactFactory factory) throws MalformedMessageException {
        int count = in.u8("contact count");
        if (count > MAX_CONTACTS) {
            throw new MalformedMessageException(count + " contacts, at most " + MAX_CONTACTS);
        }
        List<Contact> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] key = in.bytes(32, "contact key");
            list.add(factory.contact(key, addresses(in)));
        }
        return list;
    }

    private static List<MeshAddress> addresses(MessageReader in) throws MalformedMessageException {
        int count = in.u8("address count");
        if (count > MAX_ADDRESSES) {
            throw new MalformedMessageException(count + " addresses, at most " + MAX_ADDRESSES);
        }
        if (count == 0) {
            return List.of();
        }
        List<MeshAddress> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String text = in.shortText("address");
            MeshAddress address;
            try {
                address = MeshAddress.parse(text);
            } catch (IllegalArgumentException e) {
                throw new MalformedMessageException("invalid address: " + e.getMessage());
            }
            // one spelling per address: canonical text, and no /p2p/ part (the contact's key says who it is)
            if (!address.toString().equals(text) || address.has(MeshAddress.PEER_PROTOCOL)) {
                throw new MalformedMessageException("address not in canonical form without /p2p/: " + text);
            }
            list.add(address);
        }
        return list;
    }
}
