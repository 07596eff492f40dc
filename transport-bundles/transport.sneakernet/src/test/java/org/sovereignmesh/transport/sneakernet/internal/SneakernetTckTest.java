package org.sovereignmesh.transport.sneakernet.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.time.VirtualScheduler;
import org.sovereignmesh.transport.tck.HostilePeer;
import org.sovereignmesh.transport.tck.TransportFixture;
import org.sovereignmesh.transport.tck.TransportTck;

/** Transports sharing one folder: the stick every node of the fixture has mounted. */
class SneakernetTckTest extends TransportTck {
    static final int MTU = 4096;

    @Override
    protected TransportFixture createFixture() throws Exception {
        Path stick = Files.createTempDirectory("stick");
        return new TransportFixture() {
            @Override
            public Transport create(int index, VirtualScheduler clock) {
                // file work inline on the kit's virtual clock, so time and I/O stay in step
                return new SneakernetTransport("sneakernet-" + index, stick, Duration.ofMillis(200), Duration.ofDays(30),
                        MTU, Runnable::run);
            }

            @Override
            public Optional<HostilePeer> hostilePeer(Transport target) {
                return Optional.of(new HostilePeer() {
                    /** Raw input on this medium is a file someone else left on the stick. */
                    @Override
                    public void inject(byte[] raw) throws Exception {
                        Path frames = stick.resolve(SneakernetTransport.DIRECTORY).resolve(SneakernetTransport.FRAMES);
                        Files.createDirectories(frames);
                        Files.write(frames.resolve(UUID.randomUUID() + SneakernetTransport.SUFFIX), raw);
                    }

                    @Override
                    public List<byte[]> hostileInputs() {
                        return List.of(new byte[0], new byte[MTU + 1], new byte[4 * 1024 * 1024]);
                    }

                    @Override
                    public byte[] wellFormed(byte[] payload) {
                        return payload;
                    }
                });
            }

            @Override
            public void close() throws Exception {
                try (var walk = Files.walk(stick)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        };
    }
}
