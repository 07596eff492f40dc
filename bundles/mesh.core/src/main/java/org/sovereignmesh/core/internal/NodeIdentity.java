package org.sovereignmesh.core.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;

import org.sovereignmesh.api.PeerId;

/**
 * The node's Ed25519 identity, kept in {@code <home>/identity.key}: the 32-byte public key followed by the
 * PKCS#8 private key, written atomically with owner-only permissions.
 */
final class NodeIdentity {
    static final String FILE_NAME = "identity.key";
    /** X.509 SubjectPublicKeyInfo of an Ed25519 key: a fixed 12-byte header, then the raw 32-byte key. */
    private static final int X509_ED25519_HEADER = 12;

    private final PeerId peerId;

    private NodeIdentity(PeerId peerId) {
        this.peerId = peerId;
    }

    PeerId peerId() {
        return peerId;
    }

    /** Loads the identity in {@code home}, creating one on first start. */
    static NodeIdentity loadOrCreate(Path home) throws IOException {
        Path file = home.resolve(FILE_NAME);
        if (Files.exists(file)) {
            byte[] content = Files.readAllBytes(file);
            if (content.length <= PeerId.KEY_LENGTH) {
                throw new IOException("identity file " + file + " is truncated (" + content.length
                        + " bytes); restore it from backup or delete it to create a new identity");
            }
            return new NodeIdentity(PeerId.fromPublicKey(Arrays.copyOf(content, PeerId.KEY_LENGTH)));
        }
        KeyPair pair;
        try {
            pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("this JVM cannot generate Ed25519 keys", e);
        }
        byte[] x509 = pair.getPublic().getEncoded();
        byte[] publicKey = Arrays.copyOfRange(x509, X509_ED25519_HEADER, x509.length);
        byte[] privateKey = pair.getPrivate().getEncoded();
        byte[] content = new byte[publicKey.length + privateKey.length];
        System.arraycopy(publicKey, 0, content, 0, publicKey.length);
        System.arraycopy(privateKey, 0, content, publicKey.length, privateKey.length);
        writeDurably(file, content);
        return new NodeIdentity(PeerId.fromPublicKey(publicKey));
    }

    /** Writes {@code content} to a private temporary file, forces it to disk, then renames it into place. */
    private static void writeDurably(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(tmp);
        }
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(content));
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
