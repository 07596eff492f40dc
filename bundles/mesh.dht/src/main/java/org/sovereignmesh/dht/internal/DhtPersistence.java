package org.sovereignmesh.dht.internal;

import java.util.List;

import org.sovereignmesh.api.PeerId;

/**
 * Where a {@link DhtNode} writes what should outlive it. Called on the node's loop: implementations hand the work
 * to their own thread and never block.
 */
public interface DhtPersistence {

    void recordStored(SignedRecord record, boolean original);

    void recordRemoved(byte[] key, PeerId publisher);

    void expireBefore(long nowMillis);

    /** The routing table's contacts, most recently seen last. */
    void saveContacts(List<Contact> contacts, long nowMillis);

    /** Runs {@code then} (on any thread) once every write handed over so far is durable. */
    default void afterWrites(Runnable then) {
        then.run();
    }

    /** Keeps nothing: the simulator and tests. */
    DhtPersistence NONE = new DhtPersistence() {
        @Override
        public void recordStored(SignedRecord record, boolean original) {
        }

        @Override
        public void recordRemoved(byte[] key, PeerId publisher) {
        }

        @Override
        public void expireBefore(long nowMillis) {
        }

        @Override
        public void saveContacts(List<Contact> contacts, long nowMillis) {
        }
    };
}
