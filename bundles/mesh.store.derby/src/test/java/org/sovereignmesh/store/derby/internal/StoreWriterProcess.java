package org.sovereignmesh.store.derby.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;

import org.sovereignmesh.store.KeyValueStore;
import org.sovereignmesh.store.RecordQueue;

/**
 * Runs in its own JVM for {@link CrashDurabilityTest}: writes numbered entries forever and prints {@code ack <n>}
 * after each one is committed, until it is killed. Arguments: directory, boot secret (hex), payload key (hex).
 */
public final class StoreWriterProcess {
    private StoreWriterProcess() {
    }

    public static void main(String[] args) {
        DerbyStore store = DerbyStore.open(Path.of(args[0]), HexFormat.of().parseHex(args[1]),
                HexFormat.of().parseHex(args[2]), new DerbyStore.Settings());
        KeyValueStore kv = store.keyValue("crash");
        RecordQueue queue = store.queue("crash");
        System.out.println("open");
        System.out.flush();
        for (long i = 0;; i++) {
            kv.put("entry-" + i, ("value-" + i).getBytes(StandardCharsets.UTF_8));
            queue.append(("item-" + i).getBytes(StandardCharsets.UTF_8));
            System.out.println("ack " + i);
            System.out.flush();
        }
    }
}
