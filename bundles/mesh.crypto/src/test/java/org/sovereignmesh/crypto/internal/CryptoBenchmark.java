package org.sovereignmesh.crypto.internal;

import java.util.Collection;
import java.util.concurrent.TimeUnit;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.sovereignmesh.crypto.CryptoException;
import org.sovereignmesh.crypto.MeshCrypto;
import org.sovereignmesh.crypto.NoiseHandshake;
import org.sovereignmesh.crypto.SecureSession;

/**
 * Handshakes per second, encrypted throughput of link frames (1 KiB and 64 KiB), sealed packets, and the two
 * ChaCha20-Poly1305 implementations side by side. Run: {@code mvn -pl bundles/mesh.crypto -am verify -Pbench
 * -DskipTests}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class CryptoBenchmark {
    private final MeshCrypto crypto = new MeshCryptoImpl();
    private final LocalNodeKeys alice = LocalNodeKeys.generate();
    private final LocalNodeKeys bob = LocalNodeKeys.generate();

    @Param({"1024", "65536"})
    int frameSize;

    private byte[] frame;
    private SecureSession sender;
    private SecureSession receiver;
    private byte[] key;
    private final ChaChaPoly bouncyCastle = new ChaChaPoly();
    private Cipher jdk;
    private long nonce;
    private byte[] sealed;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        frame = new byte[frameSize];
        SecureSession[] sessions = handshake();
        sender = sessions[0];
        receiver = sessions[1];
        key = new byte[32];
        jdk = Cipher.getInstance("ChaCha20-Poly1305");
        sealed = crypto.seal(alice, bob.peerId(), new byte[100], System.currentTimeMillis());
    }

    private SecureSession[] handshake() throws CryptoException {
        NoiseHandshake i = crypto.handshake(alice, true, new byte[0]);
        NoiseHandshake r = crypto.handshake(bob, false, new byte[0]);
        r.readMessage(i.writeMessage(new byte[0]));
        i.readMessage(r.writeMessage(new byte[0]));
        r.readMessage(i.writeMessage(new byte[0]));
        return new SecureSession[] {i.split(), r.split()};
    }

    /** One complete XX handshake with identity proofs: both sides' work. */
    @Benchmark
    public SecureSession[] handshakeBothSides() throws CryptoException {
        return handshake();
    }

    /** Encrypt on one side, decrypt on the other: what a link frame costs end to end. */
    @Benchmark
    public byte[] linkFrameRoundTrip() throws CryptoException {
        return receiver.decrypt(sender.encrypt(frame));
    }

    @Benchmark
    public byte[] aeadBouncyCastle() {
        return bouncyCastle.encrypt(key, nonce++, new byte[0], frame);
    }

    @Benchmark
    public byte[] aeadJdk() throws Exception {
        byte[] iv = new byte[12];
        long n = nonce++;
        for (int b = 0; b < 8; b++) {
            iv[4 + b] = (byte) (n >>> (8 * b));
        }
        jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(iv));
        return jdk.doFinal(frame);
    }

    /** A 100-byte payload sealed and opened (simplex links, end-to-end). */
    @Benchmark
    public Object sealAndOpen100Bytes() throws CryptoException {
        return crypto.open(bob, crypto.seal(alice, bob.peerId(), new byte[100], 1_780_000_000_000L));
    }

    @Benchmark
    public Object open100Bytes() throws CryptoException {
        return crypto.open(bob, sealed);
    }

    public static void main(String[] args) throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder().include(CryptoBenchmark.class.getName())
                .build()).run();
        System.out.println();
        System.out.println("Summary (" + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
                + ", " + Runtime.getRuntime().availableProcessors() + " cores)");
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            String size = r.getParams().getParam("frameSize");
            double opsPerSecond = r.getPrimaryResult().getScore();
            boolean perFrame = name.startsWith("linkFrame") || name.startsWith("aead");
            if (!perFrame && !"1024".equals(size)) {
                continue; // frame size does not affect these
            }
            System.out.printf("%-24s %8s  %,14.0f ops/s%s%n", name, perFrame ? size + " B" : "",
                    opsPerSecond, perFrame ? String.format("  %,10.1f MB/s", opsPerSecond * Integer.parseInt(size) / 1e6) : "");
        }
    }
}
