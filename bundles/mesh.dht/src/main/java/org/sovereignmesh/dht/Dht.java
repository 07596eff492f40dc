package org.sovereignmesh.dht;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;
import org.sovereignmesh.api.PeerId;

/**
 * A Kademlia distributed hash table over the mesh. Thread-safe; no method blocks: results arrive through the
 * returned stages, which fail with a {@link DhtException} saying why.
 *
 * <p>A node's DHT id is the SHA-256 of its Ed25519 public key, so ids are spread evenly and nobody picks theirs.
 * Records are signed by their publisher (key, value, sequence number and expiry are covered by the signature) and
 * verified by every node that stores or reads them; a publisher's higher sequence number replaces its lower one.
 */
@ProviderType
public interface Dht {

    /** Length of every key, in bytes. */
    int KEY_LENGTH = 32;
    /** Largest value of one record, in bytes. */
    int MAX_VALUE_SIZE = 8192;

    /**
     * @return the 32-byte key for an application name: SHA-256 of {@code "sovereign-mesh dht key v1\0" + name}
     *         (UTF-8), so application keys never collide with the keys of peer records
     */
    static byte[] key(String name) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("sovereign-mesh dht key v1\0".getBytes(StandardCharsets.UTF_8));
            return sha.digest(name.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** @return this node's identity */
    PeerId localPeer();

    /**
     * Signs {@code value} as this node's record under {@code key} and stores it on the nodes closest to the key (and
     * here); it is republished until it expires.
     *
     * @param ttl how long the record lives; at most 48 hours
     * @return a stage completing with how many nodes accepted the record
     * @throws IllegalArgumentException if the key is not 32 bytes, the value is too large or the ttl out of range
     */
    CompletionStage<Integer> put(byte[] key, byte[] value, Duration ttl);

    /** @return a stage completing with the valid records under {@code key}, at most one per publisher; may be empty */
    CompletionStage<List<DhtRecord>> get(byte[] key);

    /**
     * Finds a peer by its id: its signed peer record (addresses, transports, region).
     *
     * @return a stage completing with the record, or failing with {@link DhtException} if nobody knows it
     */
    CompletionStage<PeerRecord> findPeer(PeerId peer);

    /** @return a stage completing with the peer records published under {@code region}; may be empty */
    CompletionStage<List<PeerRecord>> findRegion(String region);

    /** @return a stage completing with a summary of the routing table and the stored records */
    CompletionStage<RoutingTableSummary> routingTable();
}
