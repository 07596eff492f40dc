package org.sovereignmesh.update.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.sovereignmesh.store.KeyValueStore;
import org.sovereignmesh.store.MeshStore;
import org.sovereignmesh.store.StoreException;

/**
 * What the update agent keeps. Its records and the signed offers live in the node's encrypted store (a
 * {@link KeyValueStore}, map {@value #RECORDS}); the bundle jars, which are public code that the framework's cache
 * holds in plaintext anyway, are files under {@code <mesh.home>/updates/}. Every file is written to a temporary name,
 * forced to disk and renamed, so a node killed at any moment finds either the old file or the new one.
 *
 * <pre>
 * store: state                     the agent's records (see {@link AgentState})
 * store: offer.&lt;id&gt;                signed offers this node published or accepted
 * bundles/&lt;sha-256&gt;.jar            bundle jars by content: fetched, published, and previous versions kept for rollback
 * downloads/&lt;id&gt;/&lt;b&gt;-&lt;c&gt;.chunk     verified chunks of an update being fetched (bundle b, chunk c)
 * </pre>
 *
 * <p>A value may be larger than the store takes in one entry: it is written as numbered pieces of a new generation
 * ({@code <name>.<generation>.<piece>}), then the entry {@code <name>} is switched to that generation in one write, then
 * the pieces of earlier generations are deleted. A node killed in between finds the old value whole.
 */
final class UpdateStore {
    private static final Pattern CHUNK_FILE = Pattern.compile("(\\d{1,5})-(\\d{1,10})\\.chunk");
    private static final Pattern ID = Pattern.compile("[0-9a-f]{64}");
    static final String RECORDS = "update";
    private static final String STATE = "state";
    private static final String DAMAGED_STATE = "damaged-state";
    private static final String OFFER = "offer.";
    private final Path root;
    private final KeyValueStore records;
    private final int pieceSize;
    private final Path bundles;
    private final Path downloads;

    UpdateStore(Path root, KeyValueStore records) throws IOException {
        this(root, records, MeshStore.MAX_VALUE_SIZE);
    }

    UpdateStore(Path root, KeyValueStore records, int pieceSize) throws IOException {
        this.root = root;
        this.records = records;
        this.pieceSize = pieceSize;
        this.bundles = root.resolve("bundles");
        this.downloads = root.resolve("downloads");
        Files.createDirectories(bundles);
        Files.createDirectories(downloads);
    }

    Path root() {
        return root;
    }

    // ---------------------------------------------------------------- state

    /** Where the state is, for messages. */
    String stateLocation() {
        return "entry '" + STATE + "' of map '" + RECORDS + "' in the node's store";
    }

    /** @return the state's text, or null when there is none yet */
    String readState() throws IOException {
        byte[] value = readValue(STATE);
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    void writeState(String text) throws IOException {
        writeValue(STATE, text.getBytes(StandardCharsets.UTF_8));
    }

    String damagedStateLocation() {
        return "entry '" + DAMAGED_STATE + "' of map '" + RECORDS + "'";
    }

    /** Keeps a state that cannot be parsed (the last one set aside replaces an earlier one), then removes it. */
    void setAsideDamagedState(String text) throws IOException {
        writeValue(DAMAGED_STATE, text.getBytes(StandardCharsets.UTF_8));
        try {
            records.delete(STATE);
            deletePieces(STATE, -1);
        } catch (StoreException e) {
            throw new IOException("cannot remove the damaged state from the store: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- offers

    void saveOffer(Offer offer) throws IOException {
        String name = offerName(offer.id);
        if (readPointer(name) == null) {
            writeValue(name, offer.encode(), null);
        }
    }

    /** @return the offer, or null if it is not stored */
    Offer loadOffer(String id) throws IOException, MalformedUpdateException {
        byte[] value = readValue(offerName(id));
        return value == null ? null : Offer.decode(value);
    }

    void deleteOffer(String id) throws IOException {
        String name = offerName(id);
        try {
            records.delete(name);
            deletePieces(name, -1);
        } catch (StoreException e) {
            throw new IOException("cannot delete offer " + id + " from the store: " + e.getMessage(), e);
        }
    }

    private static String offerName(String id) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not an update id: " + id);
        }
        return OFFER + id;
    }

    // ---------------------------------------------------------------- values in pieces

    /** generation (8) | pieces (4) | length (8) */
    private long[] readPointer(String name) throws IOException {
        Optional<byte[]> pointer;
        try {
            pointer = records.get(name);
        } catch (StoreException e) {
            throw new IOException("cannot read " + name + " from the store: " + e.getMessage(), e);
        }
        if (pointer.isEmpty()) {
            return null;
        }
        if (pointer.get().length != 20) {
            throw new IOException("store entry " + name + " is damaged: " + pointer.get().length + " bytes, expected 20");
        }
        ByteBuffer b = ByteBuffer.wrap(pointer.get());
        return new long[] {b.getLong(), b.getInt(), b.getLong()};
    }

    private byte[] readValue(String name) throws IOException {
        long[] pointer = readPointer(name);
        if (pointer == null) {
            return null;
        }
        long generation = pointer[0];
        int pieces = (int) pointer[1];
        long length = pointer[2];
        if (pieces < 0 || length < 0 || length > Integer.MAX_VALUE - 8 || (long) pieces * pieceSize < length) {
            throw new IOException("store entry " + name + " is damaged: " + pieces + " pieces for " + length + " bytes");
        }
        byte[] value = new byte[(int) length];
        int at = 0;
        for (int i = 0; i < pieces; i++) {
            String key = pieceKey(name, generation, i);
            byte[] piece;
            try {
                piece = records.get(key).orElseThrow(() -> new IOException("store entry " + key + " is missing"));
            } catch (StoreException e) {
                throw new IOException("cannot read " + key + " from the store: " + e.getMessage(), e);
            }
            if (at + piece.length > length) {
                throw new IOException("store entry " + key + " is longer than " + name + " announces");
            }
            System.arraycopy(piece, 0, value, at, piece.length);
            at += piece.length;
        }
        if (at != length) {
            throw new IOException("store entry " + name + " is damaged: " + at + " of " + length + " bytes found");
        }
        return value;
    }

    private void writeValue(String name, byte[] value) throws IOException {
        writeValue(name, value, readPointer(name));
    }

    /** @param previous the entry's pointer as read just before, or null if there is none */
    private void writeValue(String name, byte[] value, long[] previous) throws IOException {
        try {
            long generation = previous == null ? 1 : previous[0] + 1;
            int pieces = (value.length + pieceSize - 1) / pieceSize;
            for (int i = 0; i < pieces; i++) {
                int from = i * pieceSize;
                records.put(pieceKey(name, generation, i),
                        java.util.Arrays.copyOfRange(value, from, Math.min(value.length, from + pieceSize)));
            }
            records.put(name, ByteBuffer.allocate(20).putLong(generation).putInt(pieces).putLong(value.length).array());
            deletePieces(name, generation);
        } catch (StoreException e) {
            throw new IOException("cannot write " + name + " to the store: " + e.getMessage(), e);
        }
    }

    /** Deletes the pieces of {@code name} of every generation but {@code keep} (-1: all), earlier writes' leftovers included. */
    private void deletePieces(String name, long keep) {
        String keepPrefix = name + "." + keep + ".";
        for (String key : records.keys(name + ".", 100_000)) {
            if (!key.startsWith(keepPrefix)) {
                records.delete(key);
            }
        }
    }

    private static String pieceKey(String name, long generation, int piece) {
        return name + "." + generation + "." + piece;
    }

    // ---------------------------------------------------------------- bundle jars

    Path jar(String sha256) {
        if (!ID.matcher(sha256).matches()) {
            throw new IllegalArgumentException("not a SHA-256: " + sha256);
        }
        return bundles.resolve(sha256 + ".jar");
    }

    boolean hasJar(String sha256) {
        return Files.isRegularFile(jar(sha256));
    }

    /** Copies {@code source} into the store; returns its SHA-256. */
    String putJar(Path source) throws IOException {
        Path tmp = Files.createTempFile(bundles, "incoming-", ".tmp");
        try {
            MessageDigest digest = Jars.sha256();
            try (InputStream in = Files.newInputStream(source);
                    FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                byte[] buffer = new byte[65536];
                for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                    digest.update(buffer, 0, n);
                    out.write(ByteBuffer.wrap(buffer, 0, n));
                }
                out.force(true);
            }
            String sha = HexFormat.of().formatHex(digest.digest());
            Files.move(tmp, jar(sha), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return sha;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Stores {@code length} bytes from {@code in} as a jar, if they have the expected size and SHA-256. */
    void putJar(InputStream in, long size, String expectedSha256) throws IOException, MalformedUpdateException {
        Path tmp = Files.createTempFile(bundles, "incoming-", ".tmp");
        try {
            MessageDigest digest = Jars.sha256();
            long total = 0;
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                byte[] buffer = new byte[65536];
                for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                    total += n;
                    if (total > size) {
                        throw new MalformedUpdateException("jar " + expectedSha256 + " is longer than the " + size
                                + " bytes its manifest states");
                    }
                    digest.update(buffer, 0, n);
                    out.write(ByteBuffer.wrap(buffer, 0, n));
                }
                out.force(true);
            }
            String sha = HexFormat.of().formatHex(digest.digest());
            if (total != size || !sha.equals(expectedSha256)) {
                throw new MalformedUpdateException("jar " + expectedSha256 + " does not match its manifest (got "
                        + total + " bytes with SHA-256 " + sha + ")");
            }
            Files.move(tmp, jar(sha), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads up to {@code length} bytes at {@code offset} of a stored jar into {@code buffer}; returns how many. */
    int readJar(String sha256, long offset, byte[] buffer, int length) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(jar(sha256).toFile(), "r")) {
            file.seek(offset);
            int done = 0;
            while (done < length) {
                int n = file.read(buffer, done, length - done);
                if (n < 0) {
                    break;
                }
                done += n;
            }
            return done;
        }
    }

    /** Deletes stored jars whose hash is not in {@code keep}; returns how many. */
    int retainJars(Set<String> keep) throws IOException {
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(bundles)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                boolean leftover = name.endsWith(".tmp");
                if (leftover || name.endsWith(".jar") && !keep.contains(name.substring(0, name.length() - 4))) {
                    Files.deleteIfExists(f);
                    deleted++;
                }
            }
        }
        return deleted;
    }

    // ---------------------------------------------------------------- downloads

    /** A verified chunk kept on disk. */
    record StoredChunk(int bundle, int chunk, Path file) {
    }

    void writeChunk(String id, int bundle, int chunk, byte[] data) throws IOException {
        Path dir = downloads.resolve(checkedId(id));
        Files.createDirectories(dir);
        writeAtomically(dir.resolve(bundle + "-" + chunk + ".chunk"), data);
    }

    List<StoredChunk> chunks(String id) throws IOException {
        Path dir = downloads.resolve(checkedId(id));
        List<StoredChunk> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                Matcher m = CHUNK_FILE.matcher(f.getFileName().toString());
                if (m.matches()) {
                    found.add(new StoredChunk(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), f));
                } else {
                    Files.deleteIfExists(f); // a temporary file a crash left behind
                }
            }
        }
        return found;
    }

    /**
     * Joins the chunks of one bundle into a stored jar and checks its size and SHA-256; the chunk files go.
     *
     * @throws MalformedUpdateException if the result does not match (the chunks are deleted: fetch them again)
     */
    void assemble(String id, int bundle, Manifest.Entry entry) throws IOException, MalformedUpdateException {
        Path dir = downloads.resolve(checkedId(id));
        Path tmp = Files.createTempFile(bundles, "assembling-", ".tmp");
        try {
            MessageDigest digest = Jars.sha256();
            long total = 0;
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
                for (int c = 0; c < entry.chunks(); c++) {
                    byte[] data = Files.readAllBytes(dir.resolve(bundle + "-" + c + ".chunk"));
                    digest.update(data);
                    out.write(data);
                    total += data.length;
                }
            }
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            String sha = HexFormat.of().formatHex(digest.digest());
            if (total != entry.size || !sha.equals(entry.sha256Hex())) {
                deleteChunks(dir, bundle);
                throw new MalformedUpdateException("bundle " + entry + " assembled to " + total + " bytes with SHA-256 "
                        + sha + ", its manifest says " + entry.size + " bytes, " + entry.sha256Hex());
            }
            Files.move(tmp, jar(sha), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            deleteChunks(dir, bundle);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void deleteChunks(Path dir, int bundle) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, bundle + "-*.chunk")) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        }
    }

    void deleteDownload(String id) throws IOException {
        Path dir = downloads.resolve(checkedId(id));
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String checkedId(String id) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not an update id: " + id);
        }
        return id;
    }

    // ---------------------------------------------------------------- atomic files

    /** Writes {@code content} to {@code file} so that a crash leaves the old content or the new, never a mix. */
    static void writeAtomically(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(file.toAbsolutePath().getParent());
    }

    /** Makes a rename durable across a power loss too (a crashed process alone cannot lose it). */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every platform can sync a directory; the rename itself is still atomic
        }
    }
}
