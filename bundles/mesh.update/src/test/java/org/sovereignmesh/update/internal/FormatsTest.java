package org.sovereignmesh.update.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Version;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.core.internal.VirtualMesh;
import org.sovereignmesh.crypto.NodeKeys;
import org.sovereignmesh.update.UpdateState;

/** The signed manifest, the offer and the protocol messages: exact round trips, and hostile bytes refused with a reason. */
class FormatsTest {
    @TempDir
    Path tmp;
    private final NodeKeys keys = VirtualMesh.newKeys();

    private Offer offer() throws Exception {
        Path a = TestJars.bundle(tmp, "org.example.a", "1.2.3.qualifier", 5000);
        Path b = TestJars.bundle(tmp, "org.example.b", "2.0.0", 1024);
        List<Manifest.Entry> entries = new java.util.ArrayList<>();
        for (Path jar : List.of(a, b)) {
            Jars.Identity id = Jars.identity(jar);
            Jars.Hashes h = Jars.hashes(jar, 1024);
            entries.add(new Manifest.Entry(id.symbolicName(), id.version(), h.size(), h.sha256(), h.chunks()));
        }
        return Offer.sign(new Manifest(keys.peerId(), 1_700_000_000_000L, "example", Version.parseVersion("3.1"),
                "site-1", 1024, entries), keys);
    }

    @Test
    void anOfferSurvivesTheWireExactlyAndItsSignatureCoversTheWholeManifest() throws Exception {
        Offer offer = offer();
        Offer back = ((Wire.OfferMessage) Wire.decode(Wire.offer(offer))).offer();
        assertEquals(offer.id, back.id);
        assertArrayEquals(offer.manifestBytes(), back.manifestBytes());
        assertArrayEquals(offer.signature(), back.signature());
        assertTrue(back.signatureValid(VirtualMesh.CRYPTO));
        Manifest m = back.manifest;
        assertEquals("example", m.name);
        assertEquals(Version.parseVersion("3.1.0"), m.version);
        assertEquals("site-1", m.targetGroup);
        assertEquals(keys.peerId(), m.publisher);
        assertEquals(List.of("org.example.a 1.2.3.qualifier", "org.example.b 2.0.0"), m.bundleNames());
        assertEquals(offer.manifest.bundles.get(0).sha256Hex(), m.bundles.get(0).sha256Hex());

        // every single bit of the manifest is covered by the signature
        byte[] bytes = offer.manifestBytes();
        for (int i = 0; i < bytes.length; i++) {
            byte[] flipped = bytes.clone();
            flipped[i] ^= 0x01;
            Manifest decoded;
            try {
                decoded = Manifest.decode(flipped);
            } catch (MalformedUpdateException e) {
                continue; // caught earlier still
            } catch (IllegalArgumentException e) {
                continue; // a publisher key that is not a key
            }
            assertFalse(Offer.withSignature(decoded, flipped, offer.signature()).signatureValid(VirtualMesh.CRYPTO),
                    "bit flip at byte " + i + " went unnoticed");
        }
    }

    @Test
    void everyTruncationAndRandomMutationIsRefusedWithAReasonNeverAnotherException() throws Exception {
        byte[] message = Wire.offer(offer());
        for (int n = 0; n < message.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(message, n);
            MalformedUpdateException e = assertThrows(MalformedUpdateException.class, () -> Wire.decode(cut), "length " + n);
            assertFalse(e.getMessage().isBlank());
        }
        Random random = new Random(42);
        for (int round = 0; round < 3000; round++) {
            byte[] mutated = message.clone();
            for (int k = 0; k < 1 + random.nextInt(4); k++) {
                mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            }
            try {
                Wire.decode(mutated);
            } catch (MalformedUpdateException expected) {
                // a reason, as it should be
            }
        }
        byte[] garbage = new byte[4096];
        for (int round = 0; round < 2000; round++) {
            random.nextBytes(garbage);
            garbage[0] = 1;
            garbage[1] = (byte) (1 + random.nextInt(6));
            byte[] data = java.util.Arrays.copyOf(garbage, random.nextInt(garbage.length));
            try {
                Wire.decode(data);
            } catch (MalformedUpdateException expected) {
                // a reason, as it should be
            }
        }
    }

    @Test
    void aManifestCannotAnnounceMoreThanItCarries() throws Exception {
        Offer offer = offer();
        byte[] bytes = offer.manifestBytes();
        // the first bundle's size field lies: it claims 512 MiB, so half a million chunk hashes that are not there
        int sizeAt = 4 + 1 + 32 + 8 + 1 + "example".length() + 1 + "3.1.0".length() + 1 + "site-1".length() + 4 + 2
                + 2 + "org.example.a".length() + 1 + "1.2.3.qualifier".length();
        bytes[sizeAt + 4] = 0x20;
        MalformedUpdateException e = assertThrows(MalformedUpdateException.class, () -> Manifest.decode(bytes));
        assertTrue(e.getMessage().contains("chunk hashes announced"), e.getMessage());
    }

    @Test
    void theOtherMessagesRoundTrip() throws Exception {
        String id = "ab".repeat(32);
        assertEquals(new Wire.ListRequest(), Wire.decode(Wire.list()));
        assertEquals(new Wire.Get(id, 3, 70000), Wire.decode(Wire.get(id, 3, 70000)));
        Wire.Chunk c = (Wire.Chunk) Wire.decode(Wire.chunk(id, 1, 2, new byte[] {5, 6, 7, 8}, 3));
        assertEquals(id, c.id());
        assertArrayEquals(new byte[] {5, 6, 7}, c.data());
        assertEquals(new Wire.Status(id, UpdateState.ROLLED_BACK, 10, 20, "bundle x did not start: é"),
                Wire.decode(Wire.status(id, UpdateState.ROLLED_BACK, 10, 20, "bundle x did not start: é")));
        assertEquals(new Wire.Missing(id), Wire.decode(Wire.missing(id)));
        byte[] status = Wire.status(id, UpdateState.INSTALLED, 0, 0, "");
        status[2 + 32] = 99;
        assertEquals("unknown update state 99", assertThrows(MalformedUpdateException.class, () -> Wire.decode(status)).getMessage());
    }

    @Test
    void theAgentStateReadsBackWhatItWroteAndNamesTheLineItCannotRead() throws Exception {
        AgentState s = new AgentState();
        PeerId peer = keys.peerId();
        AgentState.Record r = new AgentState.Record("cd".repeat(32), AgentState.Role.RECEIVED, UpdateState.ROLLED_BACK,
                "bundle x did not start: missing requirement; restored\n100% sure", 12345L, peer);
        r.bytesDone = 7;
        r.bytesTotal = 9;
        s.records.put(r.id, r);
        AgentState.Record p = new AgentState.Record("ef".repeat(32), AgentState.Role.PUBLISHED, UpdateState.PUBLISHED, "-",
                1L, null);
        p.reports.put(peer, new AgentState.Report(UpdateState.INSTALLED, 5L, 1, 1, ""));
        s.records.put(p.id, p);
        s.applied.add(new AgentState.Installation(r.id, List.of(new AgentState.Change("a.b", Version.parseVersion("1.1"),
                "01".repeat(32), Version.parseVersion("1.0"), "02".repeat(32)), new AgentState.Change("c.d",
                Version.parseVersion("2"), "03".repeat(32), null, null))));
        s.subscribers.add(peer);

        String text = s.write();
        AgentState back = AgentState.read(text);
        assertEquals(text, back.write());
        assertEquals("bundle x did not start: missing requirement; restored\n100% sure", back.records.get(r.id).detail);
        assertEquals("-", back.records.get(p.id).detail);
        assertFalse(back.applied.get(0).changes().get(1).wasInstalled());

        MalformedUpdateException e = assertThrows(MalformedUpdateException.class,
                () -> AgentState.read(text.replace("applied ", "aplied ")));
        assertTrue(e.getMessage().startsWith("line "), e.getMessage());
        assertThrows(MalformedUpdateException.class, () -> AgentState.read("something else\n"));
    }
}
