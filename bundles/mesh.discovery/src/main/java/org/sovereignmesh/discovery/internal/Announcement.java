package org.sovereignmesh.discovery.internal;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.transport.MeshAddress;

/**
 * What a node multicasts on the LAN: its peer id and the addresses its transports listen on.
 *
 * <pre>
 * "SMD1" | ed25519 public key (32) | count:u8 | count x (length:u16 | address, UTF-8 text form)
 * </pre>
 *
 * At most {@value #MAX_ADDRESSES} addresses of at most {@value #MAX_ADDRESS_LENGTH} bytes, in at most
 * {@value #MAX_SIZE} bytes: decoding does bounded work whatever arrives. Nothing here is authenticated; the core
 * refuses a link whose neighbour is not the announced peer, and discovery only dials addresses of the sender's IP.
 */
final class Announcement {
    static final byte[] MAGIC = {'S', 'M', 'D', '1'};
    static final int MAX_SIZE = 1400;
    static final int MAX_ADDRESSES = 16;
    static final int MAX_ADDRESS_LENGTH = 256;

    final PeerId peer;
    final List<MeshAddress> addresses;

    Announcement(PeerId peer, List<MeshAddress> addresses) {
        this.peer = peer;
        this.addresses = List.copyOf(addresses);
    }

    /** Encodes as many addresses as fit. */
    byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(MAX_SIZE);
        out.put(MAGIC).put(peer.publicKey());
        int countAt = out.position();
        out.put((byte) 0);
        int count = 0;
        for (MeshAddress address : addresses) {
            byte[] text = address.toString().getBytes(StandardCharsets.UTF_8);
            if (count == MAX_ADDRESSES || text.length > MAX_ADDRESS_LENGTH || out.remaining() < 2 + text.length) {
                continue;
            }
            out.putShort((short) text.length).put(text);
            count++;
        }
        out.put(countAt, (byte) count);
        return Arrays.copyOf(out.array(), out.position());
    }

    /** @throws IllegalArgumentException saying what is wrong */
    static Announcement decode(byte[] data, int length) {
        if (length > MAX_SIZE) {
            throw new IllegalArgumentException("announcement of " + length + " bytes, at most " + MAX_SIZE);
        }
        ByteBuffer in = ByteBuffer.wrap(data, 0, length);
        try {
            byte[] magic = new byte[MAGIC.length];
            in.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException("not a mesh announcement (magic)");
            }
            byte[] key = new byte[PeerId.KEY_LENGTH];
            in.get(key);
            int count = in.get() & 0xff;
            if (count > MAX_ADDRESSES) {
                throw new IllegalArgumentException(count + " addresses, at most " + MAX_ADDRESSES);
            }
            List<MeshAddress> addresses = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int size = in.getShort() & 0xffff;
                if (size > MAX_ADDRESS_LENGTH || size > in.remaining()) {
                    throw new IllegalArgumentException("address " + i + " of " + size + " bytes");
                }
                byte[] text = new byte[size];
                in.get(text);
                addresses.add(MeshAddress.parse(StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(text)).toString()));
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " trailing bytes");
            }
            return new Announcement(PeerId.fromPublicKey(key), addresses);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated announcement");
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("address is not UTF-8");
        }
    }
}
