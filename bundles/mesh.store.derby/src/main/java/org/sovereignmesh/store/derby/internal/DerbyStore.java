package org.sovereignmesh.store.derby.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

import org.apache.derby.jdbc.EmbeddedDriver;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.store.DhtRecordStore;
import org.sovereignmesh.store.KeyValueStore;
import org.sovereignmesh.store.MeshStore;
import org.sovereignmesh.store.PeerCache;
import org.sovereignmesh.store.PeerCacheEntry;
import org.sovereignmesh.store.QueueEntry;
import org.sovereignmesh.store.RecordQueue;
import org.sovereignmesh.store.StoreException;
import org.sovereignmesh.store.StoreException.Reason;
import org.sovereignmesh.store.StoredRecord;

/**
 * {@link MeshStore} on embedded Apache Derby, in plain Java: the DS component and tests construct it directly.
 *
 * <p>At rest: Derby's database encryption (AES-256, CBC, booted with a password derived from the node's key store)
 * covers data pages, the transaction log and temporary files; every value is additionally sealed by
 * {@link PayloadCipher} with its row's identity. One connection serves all callers, one operation at a time; every
 * write commits (and Derby syncs its log) before the method returns.
 */
public final class DerbyStore implements MeshStore, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DerbyStore.class.getName());
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int SCHEMA_VERSION = 1;
    private static final String[] TABLES = {"MESH_META", "MESH_KV", "MESH_QUEUE", "MESH_QUEUE_ITEM", "MESH_DHT_RECORD",
        "MESH_PEER_CACHE"};
    private static final int MAX_DHT_KEY = 64;
    private static final int MAX_SOURCE = 32;

    /** Settings of the engine; the defaults suit a 64 MiB gateway. */
    public static final class Settings {
        /** Pages Derby caches (4 KiB each): Derby's minimum is 40. */
        public int pageCacheSize = 100;
        /** Check every table and index when opening, so damage shows at start and not in the middle of work. */
        public boolean verifyOnOpen = true;
    }

    private final Path directory;
    private final String url;
    private final PayloadCipher cipher;
    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private boolean closed;

    private DerbyStore(Path directory, String url, PayloadCipher cipher, Connection connection) {
        this.directory = directory;
        this.url = url;
        this.cipher = cipher;
        this.connection = connection;
    }

    /**
     * Opens the store in {@code directory}, creating it if it does not exist.
     *
     * @param bootSecret the secret that unlocks Derby's encryption (its hex form is the boot password)
     * @param payloadKey 32 bytes that seal every value
     * @throws StoreException saying what is wrong (locked by another process, damaged, wrong keys) and what to do
     */
    public static DerbyStore open(Path directory, byte[] bootSecret, byte[] payloadKey, Settings settings) {
        Path dir = directory.toAbsolutePath().normalize();
        configureEngine(dir, settings);
        boolean exists = Files.exists(dir.resolve("service.properties"));
        if (!exists && Files.isDirectory(dir) && !isEmpty(dir)) {
            throw new StoreException(Reason.CORRUPTED, "the store " + dir + " exists but has no service.properties:"
                    + " it is damaged or not a store. Restore it from a backup, or move the directory aside to start"
                    + " with an empty store");
        }
        try {
            Files.createDirectories(dir.getParent());
        } catch (IOException e) {
            throw new StoreException(Reason.IO, "cannot create the parent directory of the store " + dir + ": " + e, e);
        }
        Properties properties = new Properties();
        properties.setProperty("bootPassword", HexFormat.of().formatHex(bootSecret));
        if (!exists) {
            properties.setProperty("create", "true");
            properties.setProperty("dataEncryption", "true");
            properties.setProperty("encryptionAlgorithm", "AES/CBC/NoPadding");
            properties.setProperty("encryptionKeyLength", "256");
        }
        String url = "jdbc:derby:" + dir;
        Connection connection;
        try {
            connection = new EmbeddedDriver().connect(url, properties);
            if (connection == null) {
                throw new StoreException(Reason.IO, "the Derby driver refused the store URL for " + dir);
            }
        } catch (SQLException e) {
            throw StoreErrors.translate(dir, "opening it", e);
        }
        DerbyStore store = new DerbyStore(dir, url, new PayloadCipher(payloadKey, dir.toString()), connection);
        try {
            connection.setAutoCommit(false);
            store.prepareSchema(!exists);
            if (exists && settings.verifyOnOpen) {
                store.verify();
            }
        } catch (SQLException e) {
            store.closeQuietly();
            throw StoreErrors.translate(dir, "checking its tables", e);
        } catch (RuntimeException e) {
            store.closeQuietly();
            throw e;
        }
        LOG.log(Level.INFO, (exists ? "opened" : "created") + " encrypted store " + dir);
        return store;
    }

    /**
     * Derby reads its settings from system properties when the engine boots; an operator's own -D settings win.
     * The page cache is what bounds Derby's memory.
     */
    private static void configureEngine(Path dir, Settings settings) {
        setIfAbsent("derby.storage.pageCacheSize", String.valueOf(Math.max(40, settings.pageCacheSize)));
        setIfAbsent("derby.language.statementCacheSize", "40");
        setIfAbsent("derby.stream.error.file", dir.resolveSibling(dir.getFileName() + ".log").toString());
        setIfAbsent("derby.infolog.append", "true");
        // a store never serves remote clients; the network server would be a second door to the data
        setIfAbsent("derby.drda.startNetworkServer", "false");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private static boolean isEmpty(Path dir) {
        try (var list = Files.list(dir)) {
            return list.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private void prepareSchema(boolean created) throws SQLException {
        if (created) {
            try (Statement s = connection.createStatement()) {
                // small pages for every table, BLOB columns included: bounded memory and small writes
                s.execute("CALL SYSCS_UTIL.SYSCS_SET_DATABASE_PROPERTY('derby.storage.pageSize', '4096')");
                s.execute("CREATE TABLE MESH_META (NAME VARCHAR(64) NOT NULL PRIMARY KEY, VAL VARCHAR(255))");
                s.execute("CREATE TABLE MESH_KV (NAME VARCHAR(64) NOT NULL, K VARCHAR(255) NOT NULL,"
                        + " V BLOB(2M) NOT NULL, PRIMARY KEY (NAME, K))");
                s.execute("CREATE TABLE MESH_QUEUE (NAME VARCHAR(64) NOT NULL PRIMARY KEY, NEXT_SEQ BIGINT NOT NULL)");
                s.execute("CREATE TABLE MESH_QUEUE_ITEM (NAME VARCHAR(64) NOT NULL, SEQ BIGINT NOT NULL,"
                        + " AT_MILLIS BIGINT NOT NULL, ITEM BLOB(2M) NOT NULL, PRIMARY KEY (NAME, SEQ))");
                s.execute("CREATE TABLE MESH_DHT_RECORD (K VARCHAR(64) FOR BIT DATA NOT NULL,"
                        + " PUBLISHER CHAR(32) FOR BIT DATA NOT NULL, SEQ BIGINT NOT NULL, EXPIRES BIGINT NOT NULL,"
                        + " ORIGINAL SMALLINT NOT NULL, CONTENT BLOB(2M) NOT NULL, PRIMARY KEY (K, PUBLISHER))");
                s.execute("CREATE INDEX MESH_DHT_RECORD_EXPIRES ON MESH_DHT_RECORD (EXPIRES)");
                s.execute("CREATE TABLE MESH_PEER_CACHE (PEER CHAR(32) FOR BIT DATA NOT NULL,"
                        + " SOURCE VARCHAR(32) NOT NULL, LAST_SEEN BIGINT NOT NULL, FAILURES INT NOT NULL,"
                        + " ADDRESSES BLOB(1M) NOT NULL, RECORD BLOB(1M) NOT NULL, PRIMARY KEY (PEER, SOURCE))");
                s.execute("CREATE INDEX MESH_PEER_CACHE_RECENT ON MESH_PEER_CACHE (SOURCE, LAST_SEEN)");
                s.execute("INSERT INTO MESH_META VALUES ('schema', '" + SCHEMA_VERSION + "')");
            }
            connection.commit();
            return;
        }
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT VAL FROM MESH_META WHERE NAME = 'schema'")) {
            int version = rs.next() ? Integer.parseInt(rs.getString(1)) : -1;
            if (version != SCHEMA_VERSION) {
                throw new StoreException(Reason.CORRUPTED, "the store " + directory + " has schema version " + version
                        + ", this node reads version " + SCHEMA_VERSION + ": use a node of the matching version, or"
                        + " move the directory aside");
            }
        } catch (NumberFormatException e) {
            throw new StoreException(Reason.CORRUPTED, "the store " + directory + " has an unreadable schema version");
        }
        connection.commit();
    }

    /** Reads every page of every table and index: damage is reported now, with the directory, not later. */
    private void verify() throws SQLException {
        try (PreparedStatement check = connection.prepareStatement("VALUES SYSCS_UTIL.SYSCS_CHECK_TABLE('APP', ?)")) {
            for (String table : TABLES) {
                check.setString(1, table);
                try (ResultSet rs = check.executeQuery()) {
                    if (!rs.next() || rs.getInt(1) != 1) {
                        throw new StoreException(Reason.CORRUPTED, "the store " + directory + " failed its check of"
                                + " table " + table + ": restore it from a backup, or move the directory aside");
                    }
                }
            }
        }
        connection.commit();
    }

    @Override
    public String location() {
        return directory.toString();
    }

    /** @return the database directory */
    public Path directory() {
        return directory;
    }

    /** Shuts the database down cleanly (a checkpoint: the next open needs no recovery). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly();
        try {
            new EmbeddedDriver().connect(url + ";shutdown=true", new Properties());
        } catch (SQLException e) {
            if (!"08006".equals(e.getSQLState())) {
                LOG.log(Level.WARNING, "the store " + directory + " did not shut down cleanly: " + e.getMessage());
            }
        }
        LOG.log(Level.INFO, "closed store " + directory);
    }

    private void closeQuietly() {
        for (PreparedStatement p : statements.values()) {
            try {
                p.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        statements.clear();
        try {
            connection.rollback();
            connection.close();
        } catch (SQLException ignored) {
            // the engine may already be down
        }
    }

    // ---------------------------------------------------------------- plumbing

    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    /** Runs {@code work} as one transaction, committed before returning; any failure rolls it back. */
    private synchronized <T> T transaction(String doing, Work<T> work) {
        if (closed) {
            throw new StoreException(Reason.CLOSED, "the store " + directory + " is closed");
        }
        try {
            T result = work.run();
            connection.commit();
            return result;
        } catch (SQLException e) {
            rollbackQuietly();
            throw StoreErrors.translate(directory, doing, e);
        } catch (RuntimeException e) {
            rollbackQuietly();
            throw e;
        }
    }

    private void rollbackQuietly() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the original failure is what matters
        }
    }

    private PreparedStatement sql(String text) throws SQLException {
        PreparedStatement p = statements.get(text);
        if (p == null) {
            p = connection.prepareStatement(text);
            statements.put(text, p);
        }
        return p;
    }

    private static String requireName(String kind, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new StoreException(Reason.INVALID_ARGUMENT, "invalid " + kind + " name '" + name
                    + "': 1-64 characters [A-Za-z0-9._-], starting with a letter or digit");
        }
        return name;
    }

    private static byte[] requireValue(byte[] value) {
        if (value == null) {
            throw new StoreException(Reason.INVALID_ARGUMENT, "value is null");
        }
        if (value.length > MAX_VALUE_SIZE) {
            throw new StoreException(Reason.INVALID_ARGUMENT, "value of " + value.length + " bytes exceeds the maximum of "
                    + MAX_VALUE_SIZE);
        }
        return value;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] longBytes(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    // ---------------------------------------------------------------- key/value

    @Override
    public KeyValueStore keyValue(String name) {
        return new Kv(requireName("map", name));
    }

    private final class Kv implements KeyValueStore {
        private final String name;

        Kv(String name) {
            this.name = name;
        }

        private String requireKey(String key) {
            if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
                throw new StoreException(Reason.INVALID_ARGUMENT, "key must be 1-" + MAX_KEY_LENGTH + " characters");
            }
            return key;
        }

        @Override
        public Optional<byte[]> get(String key) {
            requireKey(key);
            return transaction("reading map " + name, () -> {
                PreparedStatement p = sql("SELECT V FROM MESH_KV WHERE NAME = ? AND K = ?");
                p.setString(1, name);
                p.setString(2, key);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? Optional.of(cipher.open(rs.getBytes(1), "MESH_KV", utf8(name), utf8(key)))
                            : Optional.<byte[]>empty();
                }
            });
        }

        @Override
        public void put(String key, byte[] value) {
            requireKey(key);
            byte[] sealed = cipher.seal(requireValue(value), "MESH_KV", utf8(name), utf8(key));
            transaction("writing map " + name, () -> {
                PreparedStatement update = sql("UPDATE MESH_KV SET V = ? WHERE NAME = ? AND K = ?");
                update.setBytes(1, sealed);
                update.setString(2, name);
                update.setString(3, key);
                if (update.executeUpdate() == 0) {
                    PreparedStatement insert = sql("INSERT INTO MESH_KV (NAME, K, V) VALUES (?, ?, ?)");
                    insert.setString(1, name);
                    insert.setString(2, key);
                    insert.setBytes(3, sealed);
                    insert.executeUpdate();
                }
                return null;
            });
        }

        @Override
        public boolean delete(String key) {
            requireKey(key);
            return transaction("deleting from map " + name, () -> {
                PreparedStatement p = sql("DELETE FROM MESH_KV WHERE NAME = ? AND K = ?");
                p.setString(1, name);
                p.setString(2, key);
                return p.executeUpdate() > 0;
            });
        }

        @Override
        public List<String> keys(String prefix, int limit) {
            String start = prefix == null ? "" : prefix;
            return transaction("listing map " + name, () -> {
                PreparedStatement p = sql("SELECT K FROM MESH_KV WHERE NAME = ? AND K >= ? ORDER BY K");
                p.setString(1, name);
                p.setString(2, start);
                p.setMaxRows(Math.max(0, limit));
                List<String> keys = new ArrayList<>();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next() && keys.size() < limit) {
                        String k = rs.getString(1);
                        if (!k.startsWith(start)) {
                            break;
                        }
                        keys.add(k);
                    }
                }
                return keys;
            });
        }

        @Override
        public long size() {
            return transaction("counting map " + name, () -> {
                PreparedStatement p = sql("SELECT COUNT(*) FROM MESH_KV WHERE NAME = ?");
                p.setString(1, name);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
        }
    }

    // ---------------------------------------------------------------- queues

    @Override
    public RecordQueue queue(String name) {
        return new Queue(requireName("queue", name));
    }

    private final class Queue implements RecordQueue {
        private final String name;

        Queue(String name) {
            this.name = name;
        }

        @Override
        public long append(byte[] item) {
            requireValue(item);
            return transaction("appending to queue " + name, () -> {
                long seq;
                PreparedStatement select = sql("SELECT NEXT_SEQ FROM MESH_QUEUE WHERE NAME = ? FOR UPDATE");
                select.setString(1, name);
                try (ResultSet rs = select.executeQuery()) {
                    seq = rs.next() ? rs.getLong(1) : 1;
                }
                if (seq == 1) {
                    PreparedStatement insert = sql("INSERT INTO MESH_QUEUE (NAME, NEXT_SEQ) VALUES (?, 2)");
                    insert.setString(1, name);
                    insert.executeUpdate();
                } else {
                    PreparedStatement update = sql("UPDATE MESH_QUEUE SET NEXT_SEQ = ? WHERE NAME = ?");
                    update.setLong(1, seq + 1);
                    update.setString(2, name);
                    update.executeUpdate();
                }
                PreparedStatement insert = sql("INSERT INTO MESH_QUEUE_ITEM (NAME, SEQ, AT_MILLIS, ITEM) VALUES (?, ?, ?, ?)");
                insert.setString(1, name);
                insert.setLong(2, seq);
                insert.setLong(3, System.currentTimeMillis());
                insert.setBytes(4, cipher.seal(item, "MESH_QUEUE_ITEM", utf8(name), longBytes(seq)));
                insert.executeUpdate();
                return seq;
            });
        }

        @Override
        public List<QueueEntry> peek(int max) {
            return transaction("reading queue " + name, () -> {
                PreparedStatement p = sql("SELECT SEQ, AT_MILLIS, ITEM FROM MESH_QUEUE_ITEM WHERE NAME = ? ORDER BY SEQ");
                p.setString(1, name);
                p.setMaxRows(Math.max(0, max));
                List<QueueEntry> entries = new ArrayList<>();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next() && entries.size() < max) {
                        long seq = rs.getLong(1);
                        entries.add(new QueueEntry(seq, cipher.open(rs.getBytes(3), "MESH_QUEUE_ITEM", utf8(name),
                                longBytes(seq)), rs.getLong(2)));
                    }
                }
                return entries;
            });
        }

        @Override
        public boolean remove(long sequence) {
            return transaction("removing from queue " + name, () -> {
                PreparedStatement p = sql("DELETE FROM MESH_QUEUE_ITEM WHERE NAME = ? AND SEQ = ?");
                p.setString(1, name);
                p.setLong(2, sequence);
                return p.executeUpdate() > 0;
            });
        }

        @Override
        public long size() {
            return transaction("counting queue " + name, () -> {
                PreparedStatement p = sql("SELECT COUNT(*) FROM MESH_QUEUE_ITEM WHERE NAME = ?");
                p.setString(1, name);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
        }
    }

    // ---------------------------------------------------------------- DHT records

    @Override
    public DhtRecordStore dhtRecords() {
        return records;
    }

    private final DhtRecordStore records = new DhtRecordStore() {
        private byte[] requireKey(byte[] key) {
            if (key == null || key.length == 0 || key.length > MAX_DHT_KEY) {
                throw new StoreException(Reason.INVALID_ARGUMENT, "a DHT key is 1-" + MAX_DHT_KEY + " bytes");
            }
            return key;
        }

        @Override
        public boolean put(StoredRecord record) {
            byte[] key = requireKey(record.key());
            byte[] publisher = record.publisher().publicKey();
            byte[] sealed = cipher.seal(requireValue(record.content()), "MESH_DHT_RECORD", key, publisher);
            return transaction("storing a DHT record", () -> {
                PreparedStatement select = sql("SELECT SEQ FROM MESH_DHT_RECORD WHERE K = ? AND PUBLISHER = ?");
                select.setBytes(1, key);
                select.setBytes(2, publisher);
                Long existing = null;
                try (ResultSet rs = select.executeQuery()) {
                    if (rs.next()) {
                        existing = rs.getLong(1);
                    }
                }
                if (existing != null && existing > record.sequence()) {
                    return false;
                }
                PreparedStatement write = existing == null
                        ? sql("INSERT INTO MESH_DHT_RECORD (SEQ, EXPIRES, ORIGINAL, CONTENT, K, PUBLISHER) VALUES (?, ?, ?, ?, ?, ?)")
                        : sql("UPDATE MESH_DHT_RECORD SET SEQ = ?, EXPIRES = ?, ORIGINAL = ?, CONTENT = ? WHERE K = ? AND PUBLISHER = ?");
                write.setLong(1, record.sequence());
                write.setLong(2, record.expiresAtMillis());
                write.setShort(3, (short) (record.original() ? 1 : 0));
                write.setBytes(4, sealed);
                write.setBytes(5, key);
                write.setBytes(6, publisher);
                write.executeUpdate();
                return true;
            });
        }

        @Override
        public List<StoredRecord> get(byte[] key) {
            requireKey(key);
            return transaction("reading DHT records", () -> {
                PreparedStatement p = sql("SELECT K, PUBLISHER, SEQ, EXPIRES, ORIGINAL, CONTENT FROM MESH_DHT_RECORD"
                        + " WHERE K = ? ORDER BY PUBLISHER");
                p.setBytes(1, key);
                return readRecords(p, Integer.MAX_VALUE);
            });
        }

        @Override
        public boolean delete(byte[] key, PeerId publisher) {
            requireKey(key);
            return transaction("deleting a DHT record", () -> {
                PreparedStatement p = sql("DELETE FROM MESH_DHT_RECORD WHERE K = ? AND PUBLISHER = ?");
                p.setBytes(1, key);
                p.setBytes(2, publisher.publicKey());
                return p.executeUpdate() > 0;
            });
        }

        @Override
        public List<StoredRecord> list(byte[] afterKey, PeerId afterPublisher, int limit) {
            return transaction("listing DHT records", () -> {
                PreparedStatement p;
                if (afterKey == null) {
                    p = sql("SELECT K, PUBLISHER, SEQ, EXPIRES, ORIGINAL, CONTENT FROM MESH_DHT_RECORD ORDER BY K, PUBLISHER");
                } else {
                    p = sql("SELECT K, PUBLISHER, SEQ, EXPIRES, ORIGINAL, CONTENT FROM MESH_DHT_RECORD"
                            + " WHERE K > ? OR (K = ? AND PUBLISHER > ?) ORDER BY K, PUBLISHER");
                    p.setBytes(1, afterKey);
                    p.setBytes(2, afterKey);
                    p.setBytes(3, afterPublisher == null ? new byte[0] : afterPublisher.publicKey());
                }
                p.setMaxRows(Math.max(0, limit));
                return readRecords(p, limit);
            });
        }

        private List<StoredRecord> readRecords(PreparedStatement p, int limit) throws SQLException {
            List<StoredRecord> list = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next() && list.size() < limit) {
                    byte[] key = rs.getBytes(1);
                    byte[] publisher = rs.getBytes(2);
                    byte[] content = cipher.open(rs.getBytes(6), "MESH_DHT_RECORD", key, publisher);
                    list.add(new StoredRecord(key, PeerId.fromPublicKey(publisher), rs.getLong(3), rs.getLong(4),
                            rs.getShort(5) != 0, content));
                }
            }
            return list;
        }

        @Override
        public int deleteExpired(long nowMillis) {
            return transaction("deleting expired DHT records", () -> {
                PreparedStatement p = sql("DELETE FROM MESH_DHT_RECORD WHERE EXPIRES <= ?");
                p.setLong(1, nowMillis);
                return p.executeUpdate();
            });
        }

        @Override
        public long size() {
            return transaction("counting DHT records", () -> {
                try (ResultSet rs = sql("SELECT COUNT(*) FROM MESH_DHT_RECORD").executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
        }
    };

    // ---------------------------------------------------------------- peer cache

    @Override
    public PeerCache peerCache() {
        return peers;
    }

    private final PeerCache peers = new PeerCache() {
        private String requireSource(String source) {
            if (source == null || source.isEmpty() || source.length() > MAX_SOURCE) {
                throw new StoreException(Reason.INVALID_ARGUMENT, "a peer source is 1-" + MAX_SOURCE + " characters");
            }
            return source;
        }

        @Override
        public void put(PeerCacheEntry entry) {
            putAll(List.of(entry));
        }

        @Override
        public void putAll(List<PeerCacheEntry> entries) {
            if (entries.isEmpty()) {
                return;
            }
            for (PeerCacheEntry e : entries) {
                requireSource(e.source());
                requireValue(e.signedRecord());
            }
            transaction("writing the peer cache", () -> {
                java.util.Set<String> touched = new java.util.HashSet<>();
                for (PeerCacheEntry e : entries) {
                    byte[] peer = e.peer().publicKey();
                    byte[] source = utf8(e.source());
                    byte[] addresses = cipher.seal(encodeAddresses(e.addresses()), "MESH_PEER_CACHE.ADDRESSES", peer, source);
                    byte[] record = cipher.seal(e.signedRecord(), "MESH_PEER_CACHE.RECORD", peer, source);
                    PreparedStatement update = sql("UPDATE MESH_PEER_CACHE SET LAST_SEEN = ?, FAILURES = ?, ADDRESSES = ?,"
                            + " RECORD = ? WHERE PEER = ? AND SOURCE = ?");
                    update.setLong(1, e.lastSeenMillis());
                    update.setInt(2, e.failures());
                    update.setBytes(3, addresses);
                    update.setBytes(4, record);
                    update.setBytes(5, peer);
                    update.setString(6, e.source());
                    if (update.executeUpdate() == 0) {
                        PreparedStatement insert = sql("INSERT INTO MESH_PEER_CACHE (LAST_SEEN, FAILURES, ADDRESSES, RECORD,"
                                + " PEER, SOURCE) VALUES (?, ?, ?, ?, ?, ?)");
                        insert.setLong(1, e.lastSeenMillis());
                        insert.setInt(2, e.failures());
                        insert.setBytes(3, addresses);
                        insert.setBytes(4, record);
                        insert.setBytes(5, peer);
                        insert.setString(6, e.source());
                        insert.executeUpdate();
                        touched.add(e.source());
                    }
                }
                for (String source : touched) {
                    trim(source);
                }
                return null;
            });
        }

        /** Drops the least recently seen entries of {@code source} beyond {@link #MAX_ENTRIES_PER_SOURCE}. */
        private void trim(String source) throws SQLException {
            PreparedStatement count = sql("SELECT COUNT(*) FROM MESH_PEER_CACHE WHERE SOURCE = ?");
            count.setString(1, source);
            long n;
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                n = rs.getLong(1);
            }
            if (n <= MAX_ENTRIES_PER_SOURCE) {
                return;
            }
            PreparedStatement oldest = sql("SELECT PEER FROM MESH_PEER_CACHE WHERE SOURCE = ? ORDER BY LAST_SEEN");
            oldest.setString(1, source);
            oldest.setMaxRows((int) (n - MAX_ENTRIES_PER_SOURCE));
            List<byte[]> drop = new ArrayList<>();
            try (ResultSet rs = oldest.executeQuery()) {
                while (rs.next()) {
                    drop.add(rs.getBytes(1));
                }
            }
            PreparedStatement delete = sql("DELETE FROM MESH_PEER_CACHE WHERE PEER = ? AND SOURCE = ?");
            for (byte[] peer : drop) {
                delete.setBytes(1, peer);
                delete.setString(2, source);
                delete.executeUpdate();
            }
        }

        @Override
        public Optional<PeerCacheEntry> get(PeerId peer, String source) {
            requireSource(source);
            return transaction("reading the peer cache", () -> {
                PreparedStatement p = sql("SELECT PEER, SOURCE, LAST_SEEN, FAILURES, ADDRESSES, RECORD FROM MESH_PEER_CACHE"
                        + " WHERE PEER = ? AND SOURCE = ?");
                p.setBytes(1, peer.publicKey());
                p.setString(2, source);
                List<PeerCacheEntry> found = readEntries(p, 1);
                return found.isEmpty() ? Optional.<PeerCacheEntry>empty() : Optional.of(found.get(0));
            });
        }

        @Override
        public List<PeerCacheEntry> get(PeerId peer) {
            return transaction("reading the peer cache", () -> {
                PreparedStatement p = sql("SELECT PEER, SOURCE, LAST_SEEN, FAILURES, ADDRESSES, RECORD FROM MESH_PEER_CACHE"
                        + " WHERE PEER = ? ORDER BY SOURCE");
                p.setBytes(1, peer.publicKey());
                return readEntries(p, Integer.MAX_VALUE);
            });
        }

        @Override
        public List<PeerCacheEntry> recent(String source, int limit) {
            return transaction("reading the peer cache", () -> {
                PreparedStatement p;
                if (source == null) {
                    p = sql("SELECT PEER, SOURCE, LAST_SEEN, FAILURES, ADDRESSES, RECORD FROM MESH_PEER_CACHE"
                            + " ORDER BY LAST_SEEN DESC");
                } else {
                    p = sql("SELECT PEER, SOURCE, LAST_SEEN, FAILURES, ADDRESSES, RECORD FROM MESH_PEER_CACHE"
                            + " WHERE SOURCE = ? ORDER BY LAST_SEEN DESC");
                    p.setString(1, requireSource(source));
                }
                p.setMaxRows(Math.max(0, limit));
                return readEntries(p, limit);
            });
        }

        private List<PeerCacheEntry> readEntries(PreparedStatement p, int limit) throws SQLException {
            List<PeerCacheEntry> list = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next() && list.size() < limit) {
                    byte[] peer = rs.getBytes(1);
                    String source = rs.getString(2);
                    byte[] addresses = cipher.open(rs.getBytes(5), "MESH_PEER_CACHE.ADDRESSES", peer, utf8(source));
                    byte[] record = cipher.open(rs.getBytes(6), "MESH_PEER_CACHE.RECORD", peer, utf8(source));
                    list.add(new PeerCacheEntry(PeerId.fromPublicKey(peer), decodeAddresses(addresses), source,
                            rs.getLong(3), rs.getInt(4), record));
                }
            }
            return list;
        }

        @Override
        public boolean remove(PeerId peer, String source) {
            requireSource(source);
            return transaction("writing the peer cache", () -> {
                PreparedStatement p = sql("DELETE FROM MESH_PEER_CACHE WHERE PEER = ? AND SOURCE = ?");
                p.setBytes(1, peer.publicKey());
                p.setString(2, source);
                return p.executeUpdate() > 0;
            });
        }

        @Override
        public long size() {
            return transaction("counting the peer cache", () -> {
                try (ResultSet rs = sql("SELECT COUNT(*) FROM MESH_PEER_CACHE").executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
        }
    };

    /** Addresses as their text forms, each length-prefixed (2 bytes). */
    static byte[] encodeAddresses(List<MeshAddress> addresses) {
        List<byte[]> texts = new ArrayList<>();
        int size = 2;
        for (MeshAddress a : addresses) {
            byte[] t = utf8(a.toString());
            texts.add(t);
            size += 2 + t.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size).putShort((short) texts.size());
        for (byte[] t : texts) {
            buffer.putShort((short) t.length).put(t);
        }
        return buffer.array();
    }

    private List<MeshAddress> decodeAddresses(byte[] bytes) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            int count = buffer.getShort() & 0xffff;
            List<MeshAddress> list = new ArrayList<>(Math.min(count, 64));
            for (int i = 0; i < count; i++) {
                byte[] t = new byte[buffer.getShort() & 0xffff];
                buffer.get(t);
                list.add(MeshAddress.parse(new String(t, StandardCharsets.UTF_8)));
            }
            return list;
        } catch (RuntimeException e) {
            throw new StoreException(Reason.CORRUPTED, "unreadable addresses in the peer cache of the store " + directory
                    + ": move the store aside to start with an empty one", e);
        }
    }
}
