package org.sovereignmesh.update.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import org.osgi.framework.Version;
import org.sovereignmesh.api.PeerId;

/**
 * The signed description of an update: who publishes it, its name, version and target group, and for every bundle
 * its symbolic name, version, size, SHA-256 and the SHA-256 of each chunk it is fetched in. Immutable; the byte
 * layout (big-endian) is what the publisher signs:
 *
 * <pre>
 * magic "SMUP" | format (1) = 1 | publisher Ed25519 key (32) | created millis (8)
 * name (1 + n) | version (1 + n) | target group (1 + n) | chunk size (4) | bundle count (2)
 * per bundle: symbolic name (2 + n) | version (1 + n) | size (8) | SHA-256 (32) | SHA-256 of each chunk (32 each)
 * </pre>
 */
final class Manifest {
    static final byte[] MAGIC = {'S', 'M', 'U', 'P'};
    static final int FORMAT = 1;
    static final int MIN_CHUNK_SIZE = 1024;
    /** Leaves room in one mesh message for the CHUNK header. */
    static final int MAX_CHUNK_SIZE = 60 * 1024 - 64;
    static final int MAX_BUNDLES = 256;
    static final long MAX_BUNDLE_SIZE = 1L << 30;
    static final int HASH = 32;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern SYMBOLIC_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,255}");

    /** One bundle of the update. */
    static final class Entry {
        final String symbolicName;
        final Version version;
        final long size;
        private final byte[] sha256;
        private final byte[][] chunkHashes;

        Entry(String symbolicName, Version version, long size, byte[] sha256, byte[][] chunkHashes) {
            this.symbolicName = symbolicName;
            this.version = version;
            this.size = size;
            this.sha256 = sha256.clone();
            this.chunkHashes = chunkHashes.clone();
        }

        byte[] sha256() {
            return sha256.clone();
        }

        String sha256Hex() {
            return HexFormat.of().formatHex(sha256);
        }

        int chunks() {
            return chunkHashes.length;
        }

        boolean chunkMatches(int index, byte[] sha256OfChunk) {
            return Arrays.equals(chunkHashes[index], sha256OfChunk);
        }

        /** @return the length of chunk {@code index} in a bundle cut into {@code chunkSize} pieces */
        int chunkLength(int index, int chunkSize) {
            return (int) Math.min(chunkSize, size - (long) index * chunkSize);
        }

        @Override
        public String toString() {
            return symbolicName + " " + version;
        }
    }

    final PeerId publisher;
    final long createdMillis;
    final String name;
    final Version version;
    final String targetGroup;
    final int chunkSize;
    final List<Entry> bundles;

    Manifest(PeerId publisher, long createdMillis, String name, Version version, String targetGroup, int chunkSize,
            List<Entry> bundles) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.createdMillis = createdMillis;
        this.name = requireName("update name", name);
        this.version = Objects.requireNonNull(version, "version");
        this.targetGroup = requireName("target group", targetGroup);
        if (chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("chunk size must be " + MIN_CHUNK_SIZE + " to " + MAX_CHUNK_SIZE
                    + " bytes, got " + chunkSize);
        }
        this.chunkSize = chunkSize;
        if (bundles.isEmpty() || bundles.size() > MAX_BUNDLES) {
            throw new IllegalArgumentException("an update carries 1 to " + MAX_BUNDLES + " bundles, got " + bundles.size());
        }
        List<String> names = new ArrayList<>();
        for (Entry e : bundles) {
            if (!SYMBOLIC_NAME.matcher(e.symbolicName).matches()) {
                throw new IllegalArgumentException("invalid bundle symbolic name '" + e.symbolicName + "'");
            }
            if (names.contains(e.symbolicName)) {
                throw new IllegalArgumentException("bundle " + e.symbolicName + " appears twice");
            }
            names.add(e.symbolicName);
            if (e.size < 1 || e.size > MAX_BUNDLE_SIZE) {
                throw new IllegalArgumentException("bundle " + e.symbolicName + " has size " + e.size);
            }
            if (e.chunkHashes.length != chunkCount(e.size, chunkSize)) {
                throw new IllegalArgumentException("bundle " + e.symbolicName + " needs " + chunkCount(e.size, chunkSize)
                        + " chunk hashes, has " + e.chunkHashes.length);
            }
        }
        this.bundles = List.copyOf(bundles);
    }

    static String requireName(String what, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid " + what + " '" + value
                    + "': 1-64 characters [A-Za-z0-9._-], starting with a letter or digit");
        }
        return value;
    }

    static int chunkCount(long size, int chunkSize) {
        return (int) ((size + chunkSize - 1) / chunkSize);
    }

    long totalSize() {
        return bundles.stream().mapToLong(e -> e.size).sum();
    }

    byte[] encode() {
        Writer w = new Writer().bytes(MAGIC).u8(FORMAT).bytes(publisher.publicKey()).i64(createdMillis)
                .string8(name).string8(version.toString()).string8(targetGroup).u32(chunkSize).u16(bundles.size());
        for (Entry e : bundles) {
            w.string16(e.symbolicName).string8(e.version.toString()).i64(e.size).bytes(e.sha256);
            for (byte[] h : e.chunkHashes) {
                w.bytes(h);
            }
        }
        return w.toByteArray();
    }

    /** Parses a manifest within fixed bounds; nothing is allocated before the bytes it describes are present. */
    static Manifest decode(byte[] data) throws MalformedUpdateException {
        Reader r = new Reader(data);
        if (!Arrays.equals(r.bytes(4, "magic"), MAGIC)) {
            throw new MalformedUpdateException("not an update manifest (bad magic)");
        }
        int format = r.u8("format");
        if (format != FORMAT) {
            throw new MalformedUpdateException("unknown manifest format " + format + " (this node reads " + FORMAT + ")");
        }
        PeerId publisher = PeerId.fromPublicKey(r.bytes(PeerId.KEY_LENGTH, "publisher key"));
        long created = r.i64("created");
        String name = r.utf8(r.u8("name length"), "name");
        String version = r.utf8(r.u8("version length"), "version");
        String group = r.utf8(r.u8("target group length"), "target group");
        long chunkSize = r.u32("chunk size");
        int count = r.u16("bundle count");
        if (chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
            throw new MalformedUpdateException("chunk size " + chunkSize + " out of range");
        }
        if (count < 1 || count > MAX_BUNDLES) {
            throw new MalformedUpdateException("bundle count " + count + " out of range");
        }
        List<Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String bsn = r.utf8(r.u16("symbolic name length"), "symbolic name");
            String bundleVersion = r.utf8(r.u8("bundle version length"), "bundle version");
            long size = r.i64("bundle size");
            if (size < 1 || size > MAX_BUNDLE_SIZE) {
                throw new MalformedUpdateException("bundle " + bsn + ": size " + size + " out of range");
            }
            byte[] sha = r.bytes(HASH, "bundle hash");
            int chunks = chunkCount(size, (int) chunkSize);
            if (r.remaining() < (long) chunks * HASH) {
                throw new MalformedUpdateException("bundle " + bsn + ": " + chunks + " chunk hashes announced, only "
                        + r.remaining() / HASH + " present");
            }
            byte[][] hashes = new byte[chunks][];
            for (int c = 0; c < chunks; c++) {
                hashes[c] = r.bytes(HASH, "chunk hash");
            }
            entries.add(new Entry(bsn, version(bundleVersion, "bundle " + bsn), size, sha, hashes));
        }
        r.end("the manifest");
        try {
            return new Manifest(publisher, created, name, version(version, "update"), group, (int) chunkSize, entries);
        } catch (IllegalArgumentException e) {
            throw new MalformedUpdateException(e.getMessage());
        }
    }

    private static Version version(String text, String what) throws MalformedUpdateException {
        try {
            return Version.parseVersion(text);
        } catch (IllegalArgumentException e) {
            throw new MalformedUpdateException(what + ": invalid version '" + text + "'");
        }
    }

    /** @return "symbolic-name version" of each bundle */
    List<String> bundleNames() {
        return bundles.stream().map(Entry::toString).toList();
    }

    static byte[] signedBytes(byte[] manifest) {
        byte[] context = Offer.SIGNATURE_CONTEXT.getBytes(StandardCharsets.US_ASCII);
        byte[] message = Arrays.copyOf(context, context.length + manifest.length);
        System.arraycopy(manifest, 0, message, context.length, manifest.length);
        return message;
    }
}
