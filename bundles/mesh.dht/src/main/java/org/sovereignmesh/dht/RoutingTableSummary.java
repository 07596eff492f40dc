package org.sovereignmesh.dht;

import java.util.List;
import java.util.Objects;

/** A snapshot of a node's routing table and record storage, for operators. Immutable. */
public final class RoutingTableSummary {

    /** One non-empty k-bucket. */
    public static final class Bucket {
        private final int sharedPrefixBits;
        private final int contacts;
        private final int replacements;
        private final long oldestSeenSecondsAgo;

        /**
         * @param sharedPrefixBits how many leading bits the bucket's ids share with this node's id
         */
        public Bucket(int sharedPrefixBits, int contacts, int replacements, long oldestSeenSecondsAgo) {
            this.sharedPrefixBits = sharedPrefixBits;
            this.contacts = contacts;
            this.replacements = replacements;
            this.oldestSeenSecondsAgo = oldestSeenSecondsAgo;
        }

        public int sharedPrefixBits() {
            return sharedPrefixBits;
        }

        public int contacts() {
            return contacts;
        }

        public int replacements() {
            return replacements;
        }

        public long oldestSeenSecondsAgo() {
            return oldestSeenSecondsAgo;
        }
    }

    private final String localId;
    private final int k;
    private final int contacts;
    private final List<Bucket> buckets;
    private final int storedRecords;
    private final long storedBytes;
    private final int publishedRecords;

    /**
     * @param localId          this node's DHT id in hex
     * @param storedRecords    records this node stores (for others and its own)
     * @param publishedRecords records this node publishes and republishes
     */
    public RoutingTableSummary(String localId, int k, int contacts, List<Bucket> buckets, int storedRecords,
            long storedBytes, int publishedRecords) {
        this.localId = Objects.requireNonNull(localId, "localId");
        this.k = k;
        this.contacts = contacts;
        this.buckets = List.copyOf(buckets);
        this.storedRecords = storedRecords;
        this.storedBytes = storedBytes;
        this.publishedRecords = publishedRecords;
    }

    public String localId() {
        return localId;
    }

    public int k() {
        return k;
    }

    public int contacts() {
        return contacts;
    }

    /** @return the non-empty buckets, closest last */
    public List<Bucket> buckets() {
        return buckets;
    }

    public int storedRecords() {
        return storedRecords;
    }

    public long storedBytes() {
        return storedBytes;
    }

    public int publishedRecords() {
        return publishedRecords;
    }
}
