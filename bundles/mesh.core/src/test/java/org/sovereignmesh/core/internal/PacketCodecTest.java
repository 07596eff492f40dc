package org.sovereignmesh.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.sovereignmesh.crypto.MeshCrypto;

/** The routed packet, end-to-end payload, fragment and duplicate-filter formats. */
class PacketCodecTest {

    @Test
    void packetsRoundTripAndTheirIdIgnoresTheHopCount() throws Exception {
        byte[] sealed = new byte[MeshCrypto.SEAL_OVERHEAD + 20];
        new Random(1).nextBytes(sealed);
        Packet packet = new Packet(Packet.DATA, 0, Packet.DEFAULT_HOPS, 0x0123456789abcdefL, sealed);
        byte[] bytes = packet.encode();
        assertEquals(Packet.HEADER + sealed.length, bytes.length);
        Packet decoded = Packet.decode(bytes);
        assertEquals(Packet.DATA, decoded.type);
        assertEquals(Packet.DEFAULT_HOPS, decoded.hopsLeft);
        assertEquals(0x0123456789abcdefL, decoded.destination);
        assertArrayEquals(sealed, decoded.body);
        assertEquals(packet.id(), decoded.withHopsLeft(3).id(), "relays see the same id at every hop");
        byte[] otherBody = sealed.clone();
        otherBody[5] ^= 1;
        assertNotEquals(packet.id(), new Packet(Packet.DATA, 0, 16, 1L, otherBody).id());

        Packet ack = new Packet(Packet.ACK, 0, 16, 42L, Packet.ackBody(77L, 9));
        assertEquals(77L, Packet.decode(ack.encode()).ackedMessageId());
        assertNotEquals(ack.id(), new Packet(Packet.ACK, 0, 16, 42L, Packet.ackBody(77L, 10)).id(),
                "each acknowledgement of a retried message is a new packet");
    }

    @Test
    void malformedPacketsAreRefusedWithTheReason() {
        assertTrue(assertThrows(MalformedFrameException.class, () -> Packet.decode(new byte[5])).getMessage()
                .contains("shorter than its header"));
        byte[] wrongVersion = new Packet(Packet.ACK, 0, 1, 1, Packet.ackBody(1, 1)).encode();
        wrongVersion[0] = (byte) (2 << 6 | Packet.ACK << 3);
        assertTrue(assertThrows(MalformedFrameException.class, () -> Packet.decode(wrongVersion)).getMessage()
                .contains("version 2"));
        byte[] shortData = new Packet(Packet.DATA, 0, 1, 1, new byte[20]).encode();
        assertThrows(MalformedFrameException.class, () -> Packet.decode(shortData));
        byte[] unknownType = new Packet(5, 0, 1, 1, new byte[12]).encode();
        assertTrue(assertThrows(MalformedFrameException.class, () -> Packet.decode(unknownType)).getMessage()
                .contains("unknown packet type 5"));
    }

    @Test
    void endToEndPayloadsRoundTrip() throws Exception {
        EndToEnd message = new EndToEnd(EndToEnd.ACK_REQUESTED, -5L, "chat", new byte[] {1, 2, 3});
        EndToEnd decoded = EndToEnd.decode(message.encode());
        assertTrue(decoded.acknowledgementRequested());
        assertEquals(-5L, decoded.messageId);
        assertEquals("chat", decoded.channel);
        assertArrayEquals(new byte[] {1, 2, 3}, decoded.payload);
        assertEquals(EndToEnd.overhead("chat") + 3, message.encode().length);
        byte[] badFlags = message.encode();
        badFlags[0] = (byte) 0x80;
        assertThrows(MalformedFrameException.class, () -> EndToEnd.decode(badFlags));
        byte[] badChannel = message.encode();
        badChannel[9] = (byte) 200;
        assertThrows(MalformedFrameException.class, () -> EndToEnd.decode(badChannel));
    }

    @Test
    void fragmentsReassembleInAnyOrderDespiteDuplicates() throws Exception {
        byte[] packet = new byte[5000];
        new Random(2).nextBytes(packet);
        List<byte[]> fragments = new ArrayList<>(Fragments.split(packet, 250, 99));
        assertEquals(21, fragments.size());
        fragments.add(fragments.get(3).clone());
        Collections.shuffle(fragments, new Random(3));
        Fragments.Reassembler reassembler = new Fragments.Reassembler(1 << 20);
        byte[] whole = null;
        for (byte[] fragment : fragments) {
            byte[] done = reassembler.add(fragment, 0, 1_000);
            if (done != null) {
                assertNull(whole, "completes once");
                whole = done;
            }
        }
        assertArrayEquals(packet, whole);
        assertEquals(0, reassembler.pendingStreams());
        assertEquals(0, reassembler.pendingBytes());
    }

    @Test
    void reassemblyIsBoundedInStreamsBytesAndTime() throws Exception {
        Fragments.Reassembler reassembler = new Fragments.Reassembler(2000);
        for (int stream = 0; stream < 40; stream++) {
            reassembler.add(Fragments.split(new byte[500], 100, stream).get(0), 0, 1_000);
        }
        assertEquals(Fragments.MAX_STREAMS, reassembler.pendingStreams(), "the oldest partial packets were dropped");
        assertTrue(reassembler.pendingBytes() <= 2000);
        reassembler.add(Fragments.split(new byte[500], 100, 500).get(0), 2_000, 3_000);
        assertEquals(1, reassembler.pendingStreams(), "expired partial packets are gone");
        assertThrows(MalformedFrameException.class, () -> reassembler.add(new byte[] {0, 0, 0, 1, 3, 2, 9}, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Fragments.split(new byte[100_000], 100, 1));
        byte[] a = Fragments.split(new byte[300], 100, 7).get(0);
        byte[] b = Fragments.split(new byte[900], 100, 7).get(1);
        Fragments.Reassembler fresh = new Fragments.Reassembler(10_000);
        fresh.add(a, 0, 100);
        assertThrows(MalformedFrameException.class, () -> fresh.add(b, 0, 100), "a count that changes mid-stream");
    }

    @Test
    void theDuplicateFilterRemembersForItsHorizonAndWithinItsCapacity() {
        DuplicateFilter filter = new DuplicateFilter(1_000, 3);
        assertTrue(filter.firstTime(1, 0));
        assertTrue(!filter.firstTime(1, 10));
        assertTrue(filter.firstTime(2, 20));
        assertTrue(filter.firstTime(3, 30));
        assertTrue(filter.firstTime(4, 40));
        assertEquals(3, filter.size());
        assertTrue(filter.firstTime(1, 50), "forgotten: capacity");
        assertTrue(!filter.firstTime(4, 900));
        assertTrue(filter.firstTime(4, 2_000), "forgotten: horizon");
    }
}
