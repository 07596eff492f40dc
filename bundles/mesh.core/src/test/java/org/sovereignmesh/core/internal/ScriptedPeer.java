package org.sovereignmesh.core.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.crypto.CryptoException;
import org.sovereignmesh.crypto.NoiseHandshake;
import org.sovereignmesh.crypto.SecureSession;
import org.sovereignmesh.crypto.internal.LocalNodeKeys;

/**
 * A neighbour played by the test at the far end of a {@link ScriptedTransport.ScriptedLink}: it speaks the real link
 * protocol (Noise handshake, session frames, sealed packets) so the test can deviate from it at any point.
 */
final class ScriptedPeer {
    final LocalNodeKeys keys = LocalNodeKeys.generate();
    final ScriptedTransport.ScriptedLink link;
    private final TestNodes nodes;
    SecureSession session;
    private int consumed;

    ScriptedPeer(TestNodes nodes, ScriptedTransport.ScriptedLink link) {
        this.nodes = nodes;
        this.link = link;
    }

    PeerId peerId() {
        return keys.peerId();
    }

    /** Runs the handshake as initiator against the node (which accepted the link). */
    ScriptedPeer handshake() throws CryptoException {
        NoiseHandshake handshake = TestNodes.CRYPTO.handshake(keys, true, LinkCodec.PROLOGUE);
        link.receive(LinkCodec.frame(LinkCodec.HANDSHAKE, handshake.writeMessage(new byte[0])));
        nodes.settle();
        handshake.readMessage(LinkCodec.body(nextSent()));
        link.receive(LinkCodec.frame(LinkCodec.HANDSHAKE, handshake.writeMessage(new byte[0])));
        nodes.settle();
        assertTrue(handshake.isComplete());
        session = handshake.split();
        return this;
    }

    /** @return a session frame carrying an application message sealed for {@code recipient} */
    byte[] dataFrame(PeerId recipient, String channel, byte[] payload) {
        return secureFrame(inner(packet(recipient, channel, payload, false)));
    }

    /** @return an encoded routed DATA packet from this peer to {@code recipient} */
    byte[] packet(PeerId recipient, String channel, byte[] payload, boolean acknowledged) {
        byte[] endToEnd = new EndToEnd(acknowledged ? EndToEnd.ACK_REQUESTED : 0,
                java.util.concurrent.ThreadLocalRandom.current().nextLong(), channel, payload).encode();
        byte[] sealed = TestNodes.CRYPTO.seal(keys, recipient, endToEnd, nodes.clock.currentTimeMillis());
        return new Packet(Packet.DATA, 0, Packet.DEFAULT_HOPS, NodeAddress.of(recipient), sealed).encode();
    }

    /** @return the inner message carrying {@code packet} */
    static byte[] inner(byte[] packet) {
        return LinkCodec.frame(LinkCodec.INNER_PACKET, packet);
    }

    byte[] secureFrame(byte[] inner) {
        return LinkCodec.frame(LinkCodec.SECURE, session.encrypt(inner));
    }

    /** @return the next frame the node sent on the link that this peer has not looked at yet */
    byte[] nextSent() {
        assertTrue(link.sent.size() > consumed, "the node sent nothing more");
        return link.sent.get(consumed++);
    }

    /** Decrypts the next session frame from the node; returns the inner message. */
    byte[] nextInner() throws CryptoException {
        byte[] frame = nextSent();
        assertTrue(frame[0] == LinkCodec.SECURE, "a session frame, got type " + frame[0]);
        return session.decrypt(Arrays.copyOfRange(frame, 1, frame.length));
    }
}
