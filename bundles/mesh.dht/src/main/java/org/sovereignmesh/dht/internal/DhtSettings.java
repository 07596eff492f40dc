package org.sovereignmesh.dht.internal;

import java.time.Duration;

/** Tunables of a {@link DhtNode}; the defaults are Kademlia's and suit a real node. */
public final class DhtSettings {
    /** Bucket size and replication factor. */
    public int k = 20;
    /** Parallel requests of one lookup. */
    public int alpha = 3;
    /** Contacts kept per bucket beyond k, to replace failing ones. */
    public int replacementCacheSize = 20;
    /** Failed RPCs in a row after which a contact leaves its bucket. */
    public int maxFailures = 2;
    /** A request without an answer by then has failed. */
    public Duration rpcTimeout = Duration.ofSeconds(10);
    /** The head of a full bucket not heard from for this long is pinged when a newcomer wants its place. */
    public Duration staleAfter = Duration.ofMinutes(15);
    /** Buckets without a lookup for this long are refreshed with a lookup of a random id in their range. */
    public Duration refreshInterval = Duration.ofHours(1);
    /** Records this node published are stored again on the k closest nodes this often. */
    public Duration republishInterval = Duration.ofHours(1);
    /** Records stored for others and not refreshed by a STORE for this long are replicated to the k closest. */
    public Duration replicateInterval = Duration.ofHours(1);
    /** Expired records are dropped this often. */
    public Duration expiryInterval = Duration.ofMinutes(1);
    /** The routing table is saved this often (and when the node stops). */
    public Duration saveInterval = Duration.ofMinutes(10);
    /** Longest lifetime a record may ask for. */
    public Duration maxRecordTtl = Duration.ofHours(48);
    /** Clock difference tolerated between publisher and storer. */
    public Duration clockSkew = Duration.ofMinutes(5);
    /** After joining, refresh every bucket farther than the closest neighbour (Kademlia's join). */
    public boolean refreshOnJoin = true;
    /** Run the periodic refresh, republish, replicate and save tasks. */
    public boolean maintenance = true;
    /** Records one publisher may have stored on this node. */
    public int maxRecordsPerPublisher = 64;
    /** Bytes of values one publisher may have stored on this node. */
    public int maxBytesPerPublisher = 64 * 1024;
    /** Records stored under one key (one per publisher). */
    public int maxRecordsPerKey = 256;
    /** Records this node stores in all. */
    public int maxRecords = 20_000;
    /** Bytes of values this node stores in all. */
    public long maxBytes = 8L << 20;

    /** Checks ranges; returns this. */
    public DhtSettings validate() {
        if (k < 1 || k > DhtCodec.MAX_CONTACTS) {
            throw new IllegalArgumentException("k must be 1-" + DhtCodec.MAX_CONTACTS + ", got " + k);
        }
        if (alpha < 1 || alpha > k) {
            throw new IllegalArgumentException("alpha must be 1-k, got " + alpha);
        }
        if (maxFailures < 1 || maxFailures > 100) {
            throw new IllegalArgumentException("maxFailures must be 1-100");
        }
        if (replacementCacheSize < 0 || replacementCacheSize > 1000) {
            throw new IllegalArgumentException("replacementCacheSize must be 0-1000");
        }
        return this;
    }
}
