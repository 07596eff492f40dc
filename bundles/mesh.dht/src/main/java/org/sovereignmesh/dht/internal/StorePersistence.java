package org.sovereignmesh.dht.internal;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.store.MeshStore;
import org.sovereignmesh.store.PeerCacheEntry;
import org.sovereignmesh.store.StoreException;
import org.sovereignmesh.store.StoredRecord;

/**
 * Keeps the DHT's records and routing table in the node's {@link MeshStore}: writes happen on one thread of their
 * own, in order, so the DHT's loop never waits for the disk. Loading (at start) is synchronous.
 */
public final class StorePersistence implements DhtPersistence, AutoCloseable {
    /** Peer-cache source of contacts the DHT saves. */
    public static final String SOURCE = "dht";
    private static final System.Logger LOG = System.getLogger(StorePersistence.class.getName());
    private static final int PAGE = 500;

    private final MeshStore store;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mesh-dht-store");
        t.setDaemon(true);
        return t;
    });

    public StorePersistence(MeshStore store) {
        this.store = store;
    }

    /** A record and whether this node published it. */
    public record Loaded(SignedRecord record, boolean original) {
    }

    /** @return every stored record that still decodes (damaged ones are deleted and logged) */
    public List<Loaded> loadRecords() {
        List<Loaded> loaded = new ArrayList<>();
        List<StoredRecord> page = store.dhtRecords().list(null, null, PAGE);
        while (!page.isEmpty()) {
            for (StoredRecord s : page) {
                try {
                    loaded.add(new Loaded(SignedRecord.decode(s.content()), s.original()));
                } catch (MalformedMessageException e) {
                    LOG.log(Level.WARNING, "dropping an unreadable DHT record from the store: " + e.getMessage());
                    store.dhtRecords().delete(s.key(), s.publisher());
                }
            }
            StoredRecord last = page.get(page.size() - 1);
            page = store.dhtRecords().list(last.key(), last.publisher(), PAGE);
        }
        return loaded;
    }

    /**
     * @return contacts from the peer cache, most recently seen first: the DHT's own, then those other bundles
     *         (LAN discovery, seed lists) recorded
     */
    public List<Contact> loadContacts(int limit) {
        List<Contact> contacts = new ArrayList<>();
        java.util.Set<PeerId> seen = new java.util.HashSet<>();
        for (PeerCacheEntry e : store.peerCache().recent(SOURCE, limit)) {
            if (seen.add(e.peer())) {
                contacts.add(Contact.of(e.peer(), e.addresses()));
            }
        }
        for (PeerCacheEntry e : store.peerCache().recent(null, limit)) {
            if (contacts.size() < limit && !e.addresses().isEmpty() && seen.add(e.peer())) {
                contacts.add(Contact.of(e.peer(), e.addresses()));
            }
        }
        return contacts;
    }

    @Override
    public void recordStored(SignedRecord record, boolean original) {
        run("store a DHT record", () -> store.dhtRecords().put(new StoredRecord(record.key(), record.publisher(),
                record.sequence(), record.expiresAtMillis(), original, record.encode())));
    }

    @Override
    public void recordRemoved(byte[] key, PeerId publisher) {
        run("delete a DHT record", () -> store.dhtRecords().delete(key, publisher));
    }

    @Override
    public void expireBefore(long nowMillis) {
        run("delete expired DHT records", () -> store.dhtRecords().deleteExpired(nowMillis));
    }

    @Override
    public void saveContacts(List<Contact> contacts, long nowMillis) {
        List<PeerCacheEntry> entries = new ArrayList<>(contacts.size());
        for (Contact c : contacts) {
            entries.add(new PeerCacheEntry(c.peer(), c.addresses(), SOURCE, nowMillis, 0, null));
        }
        run("save the routing table", () -> store.peerCache().putAll(entries));
    }

    @Override
    public void afterWrites(Runnable then) {
        run("confirm writes", then);
    }

    private void run(String what, Runnable work) {
        try {
            writer.execute(() -> {
                try {
                    work.run();
                } catch (StoreException e) {
                    LOG.log(Level.WARNING, "could not " + what + ": " + e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "store closed; could not {0}", what);
        }
    }

    /** Finishes the writes already handed over (up to 10 s), then stops. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "DHT store writes still pending after 10 s; dropping them");
                writer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
