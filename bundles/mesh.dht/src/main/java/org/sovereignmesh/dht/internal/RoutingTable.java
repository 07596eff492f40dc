package org.sovereignmesh.dht.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Kademlia k-buckets indexed by how many leading bits a contact's id shares with ours (bucket 0: the far half of
 * the id space). Each bucket keeps up to k contacts, least recently seen first, and a replacement cache of up to
 * {@code replacements} contacts that did not fit, most recently seen last. A contact that fails
 * {@code maxFailures} times in a row is dropped and the freshest replacement takes its place.
 *
 * <p>Compact on purpose (the simulator holds a million of these): parallel arrays per bucket, buckets allocated
 * only as they are reached, times in whole seconds. Not thread-safe: owned by the DHT node's event loop.
 */
final class RoutingTable {
    private final NodeId self;
    private final int k;
    private final int replacementSize;
    private final int maxFailures;
    private Bucket[] buckets = new Bucket[0];

    static final class Bucket {
        Contact[] contacts;
        int[] lastSeen;
        byte[] failures;
        int size;
        Contact[] replacements;
        int replacementCount;
        int lastRefreshed;

        Bucket(int k, int now) {
            contacts = new Contact[k];
            lastSeen = new int[k];
            failures = new byte[k];
            lastRefreshed = now;
        }

        int indexOf(NodeId id) {
            for (int i = 0; i < size; i++) {
                NodeId known = contacts[i].id();
                if (known == id || known.equals(id)) {
                    return i;
                }
            }
            return -1;
        }

        void removeAt(int i) {
            System.arraycopy(contacts, i + 1, contacts, i, size - i - 1);
            System.arraycopy(lastSeen, i + 1, lastSeen, i, size - i - 1);
            System.arraycopy(failures, i + 1, failures, i, size - i - 1);
            size--;
            contacts[size] = null;
        }

        void append(Contact c, int seen) {
            contacts[size] = c;
            lastSeen[size] = seen;
            failures[size] = 0;
            size++;
        }
    }

    /** What {@link #seen} did, so the caller can ping a stale head. */
    enum Outcome { UPDATED, ADDED, CACHED, SELF }

    RoutingTable(NodeId self, int k, int replacementSize, int maxFailures) {
        this.self = self;
        this.k = k;
        this.replacementSize = replacementSize;
        this.maxFailures = maxFailures;
    }

    NodeId self() {
        return self;
    }

    private Bucket bucket(int index, boolean create, int now) {
        if (index >= buckets.length) {
            if (!create) {
                return null;
            }
            buckets = Arrays.copyOf(buckets, index + 1);
        }
        Bucket b = buckets[index];
        if (b == null && create) {
            b = new Bucket(k, now);
            buckets[index] = b;
        }
        return b;
    }

    /** Records that {@code contact} answered or asked us something (it is alive). */
    Outcome seen(Contact contact, int now) {
        int index = self.sharedPrefixBits(contact.id());
        if (index >= NodeId.BITS) {
            return Outcome.SELF;
        }
        Bucket b = bucket(index, true, now);
        int at = b.indexOf(contact.id());
        if (at >= 0) {
            Contact known = b.contacts[at];
            b.removeAt(at);
            // keep what we knew about its addresses if this sighting brought none
            b.append(contact.addresses().isEmpty() && !known.addresses().isEmpty() ? known : contact, now);
            return Outcome.UPDATED;
        }
        if (b.size < k) {
            b.append(contact, now);
            removeReplacement(b, contact.id());
            return Outcome.ADDED;
        }
        addReplacement(b, contact);
        return Outcome.CACHED;
    }

    private void addReplacement(Bucket b, Contact contact) {
        if (replacementSize == 0) {
            return;
        }
        if (b.replacements == null) {
            b.replacements = new Contact[replacementSize];
        }
        removeReplacement(b, contact.id());
        if (b.replacementCount == replacementSize) {
            System.arraycopy(b.replacements, 1, b.replacements, 0, replacementSize - 1);
            b.replacementCount--;
        }
        b.replacements[b.replacementCount++] = contact;
    }

    private static void removeReplacement(Bucket b, NodeId id) {
        for (int i = 0; i < b.replacementCount; i++) {
            if (b.replacements[i].id().equals(id)) {
                System.arraycopy(b.replacements, i + 1, b.replacements, i, b.replacementCount - i - 1);
                b.replacements[--b.replacementCount] = null;
                return;
            }
        }
    }

    /**
     * Records a failed RPC to {@code contact}; after {@code maxFailures} in a row it is replaced by the freshest
     * replacement.
     *
     * @return whether the contact was dropped
     */
    boolean failed(Contact contact) {
        int index = self.sharedPrefixBits(contact.id());
        Bucket b = bucket(index, false, 0);
        if (b == null) {
            return false;
        }
        int at = b.indexOf(contact.id());
        if (at < 0) {
            removeReplacement(b, contact.id());
            return false;
        }
        if (++b.failures[at] < maxFailures) {
            return false;
        }
        int seen = b.lastSeen[at];
        b.removeAt(at);
        if (b.replacementCount > 0) {
            Contact promoted = b.replacements[--b.replacementCount];
            b.replacements[b.replacementCount] = null;
            b.append(promoted, seen);
        }
        return true;
    }

    /** Removes a contact outright (it left, or it lied about itself). */
    void remove(NodeId id) {
        Bucket b = bucket(self.sharedPrefixBits(id), false, 0);
        if (b != null) {
            int at = b.indexOf(id);
            if (at >= 0) {
                b.removeAt(at);
            } else {
                removeReplacement(b, id);
            }
        }
    }

    /** @return the least recently seen contact of the bucket {@code contact} falls in, when that bucket is full */
    Contact headOfFullBucket(NodeId id, int seenBefore) {
        Bucket b = bucket(self.sharedPrefixBits(id), false, 0);
        if (b == null || b.size < k || b.lastSeen[0] >= seenBefore) {
            return null;
        }
        return b.contacts[0];
    }

    Contact find(NodeId id) {
        Bucket b = bucket(self.sharedPrefixBits(id), false, 0);
        if (b == null) {
            return null;
        }
        int at = b.indexOf(id);
        return at < 0 ? null : b.contacts[at];
    }

    /**
     * @return up to {@code count} known contacts closest to {@code target}, closest first. Bucket {@code d} (the
     *         target's, d = bits the target shares with us) holds contacts strictly closer to the target than any
     *         other bucket; the buckets beyond it come next, then the buckets before it, nearest first. So most
     *         calls sort one bucket, not the table.
     */
    List<Contact> closest(NodeId target, int count) {
        int d = self.sharedPrefixBits(target);
        java.util.Comparator<Contact> byDistance = (a, b) -> target.compareDistance(a.id(), b.id());
        List<Contact> found = new ArrayList<>(count + k);
        if (d < buckets.length) {
            addAll(found, buckets[d]);
        }
        if (found.size() < count) {
            for (int j = d + 1; j < buckets.length; j++) {
                addAll(found, buckets[j]);
            }
        }
        found.sort(byDistance);
        for (int i = Math.min(d, buckets.length) - 1; i >= 0 && found.size() < count; i--) {
            int from = found.size();
            addAll(found, buckets[i]);
            found.subList(from, found.size()).sort(byDistance);
        }
        return found.size() > count ? new ArrayList<>(found.subList(0, count)) : found;
    }

    private static void addAll(List<Contact> into, Bucket b) {
        if (b != null) {
            for (int i = 0; i < b.size; i++) {
                into.add(b.contacts[i]);
            }
        }
    }

    int size() {
        int n = 0;
        for (Bucket b : buckets) {
            n += b == null ? 0 : b.size;
        }
        return n;
    }

    List<Contact> all() {
        List<Contact> list = new ArrayList<>();
        for (Bucket b : buckets) {
            addAll(list, b);
        }
        return list;
    }

    /** @return index of the non-empty bucket nearest to us, or -1 */
    int closestNonEmptyBucket() {
        for (int i = buckets.length - 1; i >= 0; i--) {
            if (buckets[i] != null && buckets[i].size > 0) {
                return i;
            }
        }
        return -1;
    }

    int bucketCount() {
        return buckets.length;
    }

    Bucket bucketAt(int index) {
        return index < buckets.length ? buckets[index] : null;
    }

    /** Bucket {@code index} was just refreshed (created empty if it never held anyone, to remember when). */
    void markRefreshed(int index, int now) {
        bucket(index, true, now).lastRefreshed = now;
    }

    /** A lookup for {@code target} just ran: its bucket counts as refreshed. */
    void refreshed(NodeId target, int now) {
        int index = self.sharedPrefixBits(target);
        Bucket b = index < buckets.length ? buckets[index] : null;
        if (b != null) {
            b.lastRefreshed = now;
        }
    }
}
