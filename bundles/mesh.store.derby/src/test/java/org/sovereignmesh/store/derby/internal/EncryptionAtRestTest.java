package org.sovereignmesh.store.derby.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.store.PeerCacheEntry;
import org.sovereignmesh.store.StoreException;
import org.sovereignmesh.store.StoredRecord;

/**
 * Known plaintext written through every part of the API is nowhere in the store's files: not in data pages, not in
 * the transaction log (read while the store is still open, before any checkpoint), not in Derby's own log.
 */
class EncryptionAtRestTest {
    private static final String SECRET = "PLAINTEXT-CANARY-7f3a9c";

    @Test
    void noKnownPlaintextInAnyFileWhileOpenOrAfterClose(@TempDir Path dir) throws IOException {
        Path location = dir.resolve("store");
        byte[] canary = (SECRET + " value").getBytes(StandardCharsets.UTF_8);
        byte[] big = (SECRET + " ").repeat(4000).getBytes(StandardCharsets.UTF_8); // spans pages, goes to overflow
        try (DerbyStore store = StoreFixture.open(location)) {
            for (int i = 0; i < 50; i++) {
                store.keyValue("canary").put(SECRET + "-key-" + i, canary);
                store.queue("canary").append(canary);
            }
            store.keyValue("canary").put("big", big);
            byte[] key = new byte[32];
            store.dhtRecords().put(new StoredRecord(key, PeerId.fromPublicKey(new byte[32]), 1, Long.MAX_VALUE, true, canary));
            store.peerCache().put(new PeerCacheEntry(PeerId.fromPublicKey(new byte[32]),
                    List.of(MeshAddress.parse("/dns/" + SECRET + ".example/tcp/1")), "dht", 1, 0, canary));
            // a sort that spills to temporary files
            store.keyValue("canary").keys("", 1000);
            assertEquals(List.of(), filesContaining(dir, SECRET), "while open (log not yet checkpointed)");
        }
        assertEquals(List.of(), filesContaining(dir, SECRET), "after a clean shutdown");
        assertTrue(Files.exists(location.resolve("seg0")), "the scan looked at a real Derby database");
        assertTrue(Files.exists(location.resolve("log")), "including its transaction log");
    }

    @Test
    void aStoreDoesNotOpenWithAnotherNodesKeys(@TempDir Path dir) {
        Path location = dir.resolve("store");
        StoreFixture.open(location).close();
        byte[] otherBoot = StoreFixture.BOOT.clone();
        otherBoot[0] ^= 1;
        StoreException e = org.junit.jupiter.api.Assertions.assertThrows(StoreException.class,
                () -> DerbyStore.open(location, otherBoot, StoreFixture.PAYLOAD, new DerbyStore.Settings()));
        assertEquals(StoreException.Reason.WRONG_KEY, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains(location.toAbsolutePath().toString()), e.getMessage());
    }

    /** Files under {@code dir} holding {@code text} as ASCII/UTF-8 or as UTF-16 (Java's char encoding). */
    static List<String> filesContaining(Path dir, String text) throws IOException {
        byte[][] needles = {text.getBytes(StandardCharsets.UTF_8), text.getBytes(StandardCharsets.UTF_16BE),
            text.getBytes(StandardCharsets.UTF_16LE)};
        List<String> hits = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] content = Files.readAllBytes(f);
                for (byte[] needle : needles) {
                    if (indexOf(content, needle) >= 0) {
                        hits.add(dir.relativize(f).toString());
                        break;
                    }
                }
            }
        }
        return hits;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
