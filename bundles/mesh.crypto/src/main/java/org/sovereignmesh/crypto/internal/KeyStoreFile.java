package org.sovereignmesh.crypto.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.sovereignmesh.crypto.CryptoException;

/**
 * The node's secret seed at rest, encrypted under a passphrase-derived key.
 *
 * <pre>
 * magic "SMKS" (4) | version (1) = 1 | kdf (1) = 1 (Argon2id) | memory KiB (4) | iterations (4) | parallelism (1)
 * | salt (16) | ChaCha20-Poly1305(seed (32)) incl. tag (16); associated data = everything before it
 * </pre>
 *
 * Every write draws a new salt, hence a new key, so the cipher's nonce is always 0.
 *
 * Argon2id defaults follow OWASP's minimum (19 MiB, 2 passes), which fits a gateway with a 64 MiB heap. The
 * parameters travel in the file, so a node can be given stronger ones without breaking existing stores. Files are
 * written to a temporary sibling with owner-only permissions, forced to disk, then renamed into place.
 */
public final class KeyStoreFile {
    static final byte[] MAGIC = {'S', 'M', 'K', 'S'};
    static final int VERSION = 1;
    static final int KDF_ARGON2ID = 1;
    static final int DEFAULT_MEMORY_KIB = 19 * 1024;
    static final int DEFAULT_ITERATIONS = 2;
    private static final int HEADER = 4 + 1 + 1 + 4 + 4 + 1 + 16;
    private static final int SIZE = HEADER + LocalNodeKeys.SEED_SIZE + ChaChaPoly.TAG_SIZE;
    private static final int MAX_MEMORY_KIB = 1024 * 1024;
    private static final int MAX_ITERATIONS = 64;

    private KeyStoreFile() {
    }

    /** Encrypts the keys' seed under {@code passphrase} and writes it atomically. */
    public static void write(Path file, LocalNodeKeys keys, char[] passphrase, int memoryKiB, int iterations)
            throws IOException {
        if (memoryKiB < 8 || memoryKiB > MAX_MEMORY_KIB || iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("Argon2id parameters out of range: memory " + memoryKiB + " KiB, "
                    + iterations + " iterations");
        }
        SecureRandom random = new SecureRandom();
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        header.put(MAGIC).put((byte) VERSION).put((byte) KDF_ARGON2ID).putInt(memoryKiB).putInt(iterations)
                .put((byte) 1);
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        header.put(salt);
        byte[] key = argon2id(passphrase, salt, memoryKiB, iterations, 1);
        byte[] seed = keys.seed();
        byte[] ciphertext = new ChaChaPoly().encrypt(key, 0, header.array(), seed);
        Arrays.fill(seed, (byte) 0);
        Arrays.fill(key, (byte) 0);
        writePrivately(file, XXHandshakeState.concat(header.array(), ciphertext));
    }

    /**
     * @throws CryptoException with "wrong passphrase" if the passphrase does not open it (or the file was altered)
     * @throws IOException     if the file cannot be read or is not a key store
     */
    public static LocalNodeKeys read(Path file, char[] passphrase) throws IOException, CryptoException {
        byte[] content = Files.readAllBytes(file);
        if (content.length != SIZE || !Arrays.equals(Arrays.copyOf(content, 4), MAGIC)) {
            throw new IOException("key store " + file + " is damaged or not a Sovereign Mesh key store ("
                    + content.length + " bytes); restore it from a backup");
        }
        ByteBuffer header = ByteBuffer.wrap(content, 0, HEADER);
        header.position(4);
        int version = header.get() & 0xff;
        int kdf = header.get() & 0xff;
        int memoryKiB = header.getInt();
        int iterations = header.getInt();
        int parallelism = header.get() & 0xff;
        if (version != VERSION || kdf != KDF_ARGON2ID) {
            throw new IOException("key store " + file + " has unsupported version " + version + " / kdf " + kdf);
        }
        if (memoryKiB < 8 || memoryKiB > MAX_MEMORY_KIB || iterations < 1 || iterations > MAX_ITERATIONS
                || parallelism < 1 || parallelism > 16) {
            throw new IOException("key store " + file + " has damaged key-derivation parameters");
        }
        byte[] salt = new byte[16];
        header.get(salt);
        byte[] key = argon2id(passphrase, salt, memoryKiB, iterations, parallelism);
        try {
            byte[] seed = new ChaChaPoly().decrypt(key, 0, Arrays.copyOf(content, HEADER), content, HEADER,
                    content.length - HEADER);
            try {
                return LocalNodeKeys.fromSeed(seed);
            } finally {
                Arrays.fill(seed, (byte) 0);
            }
        } catch (CryptoException e) {
            throw new CryptoException("wrong passphrase for key store " + file + " (or the file was altered)");
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    static byte[] argon2id(char[] passphrase, byte[] salt, int memoryKiB, int iterations, int parallelism) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(memoryKiB)
                .withIterations(iterations).withParallelism(parallelism).withSalt(salt).build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] key = new byte[ChaChaPoly.KEY_SIZE];
        generator.generateBytes(passphrase, key);
        return key;
    }

    /** Writes {@code content} to an owner-only temporary sibling, forces it to disk, renames it into place. */
    public static void writePrivately(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(tmp);
        }
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(content));
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true); // the rename itself survives a crash
        } catch (IOException | UnsupportedOperationException e) {
            // some file systems cannot sync a directory; the rename is still atomic
        }
    }
}
