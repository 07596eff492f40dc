package org.sovereignmesh.update.internal;

import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.osgi.framework.Version;
import org.sovereignmesh.crypto.MeshCrypto;

/**
 * What a node accepts. Each check returns null when the offer passes, else the reason it is refused, worded for the
 * operator who reads it in {@code update:list} or the publisher's {@code update:status}.
 */
final class UpdatePolicy {
    private UpdatePolicy() {
    }

    /** Signature, publisher and target group. */
    static String checkOrigin(Offer offer, MeshCrypto crypto, UpdateSettings settings) {
        Manifest m = offer.manifest;
        if (!offer.signed()) {
            return "unsigned: an update must carry its publisher's signature";
        }
        if (settings.trusted.isEmpty()) {
            return "this node trusts no publisher (set mesh.update.trusted); " + m.publisher + " is not trusted";
        }
        if (!settings.trusted.contains(m.publisher)) {
            return "publisher " + m.publisher + " is not trusted by this node";
        }
        if (!offer.signatureValid(crypto)) {
            return "bad signature: the manifest was altered after " + m.publisher + " signed it (tampered), or "
                    + m.publisher + " did not sign it";
        }
        if (!settings.groups.contains(m.targetGroup)) {
            return "wrong target: meant for group '" + m.targetGroup + "', this node is in "
                    + (settings.groups.isEmpty() ? "no group (set mesh.update.groups)" : "group(s) " + sorted(settings.groups));
        }
        return null;
    }

    /**
     * The update's own version against what the node installed or undid of the same name.
     *
     * @param installed  the highest installed version of this update's name, or null
     * @param rolledBack the reason this exact name and version was rolled back here before, or null
     */
    static String checkVersion(Manifest m, Version installed, String rolledBack) {
        if (installed != null) {
            int c = m.version.compareTo(installed);
            if (c == 0) {
                return "already installed: " + m.name + " " + installed;
            }
            if (c < 0) {
                return "downgrade: " + m.name + " " + m.version + " is older than the installed " + installed;
            }
        }
        if (rolledBack != null) {
            return m.name + " " + m.version + " was rolled back on this node before (" + rolledBack
                    + "); publish a higher version";
        }
        return null;
    }

    /** Each bundle against the framework: nothing protected, nothing moved back. */
    static String checkBundles(Manifest m, Map<String, Version> installed, Map<String, String> untouchable) {
        for (Manifest.Entry e : m.bundles) {
            String protectedReason = untouchable.get(e.symbolicName);
            if (protectedReason != null) {
                return "bundle " + e.symbolicName + " cannot be updated over the mesh: " + protectedReason;
            }
            Version current = installed.get(e.symbolicName);
            if (current != null && e.version.compareTo(current) < 0) {
                return "downgrade: bundle " + e.symbolicName + " " + e.version + " is older than the installed " + current;
            }
        }
        return null;
    }

    /** Size of what is to be fetched against the node's limit and its free disk space. */
    static String checkSize(long bytesToFetch, long maxBytes, long usableDiskBytes) {
        if (bytesToFetch > maxBytes) {
            return "too large: " + mib(bytesToFetch) + " to fetch, this node takes at most " + mib(maxBytes)
                    + " (mesh.update.maxUpdateMiB)";
        }
        if (usableDiskBytes < 2 * bytesToFetch) {
            return "not enough disk space: " + mib(bytesToFetch) + " to fetch needs " + mib(2 * bytesToFetch) + ", "
                    + mib(usableDiskBytes) + " free";
        }
        return null;
    }

    static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static String sorted(java.util.Set<String> groups) {
        return new TreeSet<>(groups).stream().collect(Collectors.joining(", "));
    }
}
