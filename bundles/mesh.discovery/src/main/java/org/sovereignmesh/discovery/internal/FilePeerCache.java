package org.sovereignmesh.discovery.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.sovereignmesh.api.transport.MeshAddress;

/**
 * {@link PeerCache} in a text file, one address a line, written atomically (temporary file, fsync, rename) so a
 * crash leaves the old list or the new one, never half of one. Lines that do not parse are skipped.
 */
final class FilePeerCache implements PeerCache {
    static final String FILE_NAME = "peers.txt";
    static final int MAX_ENTRIES = 256;
    private static final System.Logger LOG = System.getLogger(FilePeerCache.class.getName());
    private final Path file;

    FilePeerCache(Path file) {
        this.file = file;
    }

    @Override
    public List<MeshAddress> load() throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<MeshAddress> addresses = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank() || addresses.size() >= MAX_ENTRIES) {
                continue;
            }
            try {
                MeshAddress address = MeshAddress.parse(line.strip());
                address.peer().orElseThrow(() -> new IllegalArgumentException("no /p2p/ peer"));
                addresses.add(address);
            } catch (IllegalArgumentException e) {
                LOG.log(Level.DEBUG, "peer cache {0}: skipping ''{1}'': {2}", file, line, e.getMessage());
            }
        }
        return addresses;
    }

    @Override
    public void save(List<MeshAddress> addresses) throws IOException {
        StringBuilder text = new StringBuilder();
        for (MeshAddress a : addresses.subList(0, Math.min(MAX_ENTRIES, addresses.size()))) {
            text.append(a).append('\n');
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
