package org.sovereignmesh.dht.internal;

import java.util.List;

/**
 * What an iterative lookup found, and what it cost.
 *
 * @param closest        the closest nodes that answered, closest first (at most k)
 * @param records        valid records found (value lookups), at most one per publisher, highest sequence
 * @param target         the node whose id was the target, if it was found (findPeer)
 * @param hops           length of the chain of answers that led to the result: 1 if a node from our own table
 *                       answered, 0 if no request was needed, -1 if nothing was found
 * @param rpcs           requests sent
 * @param failures       requests that timed out or could not be delivered
 * @param bytesSent      bytes of requests sent
 * @param bytesReceived  bytes of answers received
 * @param durationNanos  from start until the result was known
 */
public record LookupResult(List<Contact> closest, List<SignedRecord> records, Contact target, int hops, int rpcs,
        int failures, long bytesSent, long bytesReceived, long durationNanos) {
}
