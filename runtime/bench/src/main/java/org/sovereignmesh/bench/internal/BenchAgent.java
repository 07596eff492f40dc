package org.sovereignmesh.bench.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.sovereignmesh.api.MeshMessage;
import org.sovereignmesh.api.MeshNetwork;
import org.sovereignmesh.api.MessageHandler;
import org.sovereignmesh.api.PeerId;

/**
 * The benchmark inside a node, through the public API only: {@link MeshNetwork#send} and a {@link MessageHandler}.
 * On every node it echoes pings and counts data; {@code bench:run <peer>} measures from this node to the peer:
 * round-trip latency, the rate of 1 KiB messages and bulk throughput in messages of the largest payload. Receipts
 * only say a frame left the node, so rates are computed from what the receiver reports it got.
 */
@Component(service = {MessageHandler.class, BenchAgent.class}, property = {
        MessageHandler.CHANNEL_PROPERTY + "=" + BenchAgent.PING, MessageHandler.CHANNEL_PROPERTY + "=" + BenchAgent.PONG,
        MessageHandler.CHANNEL_PROPERTY + "=" + BenchAgent.DATA, MessageHandler.CHANNEL_PROPERTY + "=" + BenchAgent.DONE,
        MessageHandler.CHANNEL_PROPERTY + "=" + BenchAgent.REPORT,
        "osgi.command.scope=bench", "osgi.command.function=run"})
public final class BenchAgent implements MessageHandler {
    static final String PING = "bench.ping";
    static final String PONG = "bench.pong";
    static final String DATA = "bench.data";
    static final String DONE = "bench.done";
    static final String REPORT = "bench.report";
    private static final int WINDOW = 256;

    private final MeshNetwork network;
    // receiving side: what arrived for the current run
    private final AtomicLong run = new AtomicLong();
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    // sending side: answers waited for
    private final Map<Long, CompletableFuture<long[]>> waiting = new ConcurrentHashMap<>();

    @Activate
    public BenchAgent(@Reference MeshNetwork network) {
        this.network = network;
    }

    @Override
    public void messageReceived(MeshMessage message) {
        ByteBuffer in = message.payloadBuffer();
        switch (message.channel()) {
            case PING:
                network.send(message.source(), PONG, message.payload());
                break;
            case DATA: {
                long id = in.getLong();
                if (run.getAndSet(id) != id) {
                    count.set(0);
                    bytes.set(0);
                }
                count.incrementAndGet();
                bytes.addAndGet(message.payloadBuffer().remaining());
                break;
            }
            case DONE: {
                long id = in.getLong();
                boolean same = run.get() == id;
                byte[] report = ByteBuffer.allocate(24).putLong(id).putLong(same ? count.get() : 0)
                        .putLong(same ? bytes.get() : 0).array();
                network.send(message.source(), REPORT, report);
                break;
            }
            case PONG:
            case REPORT: {
                long id = in.getLong();
                CompletableFuture<long[]> answer = waiting.remove(id);
                if (answer != null) {
                    answer.complete(new long[] {in.remaining() >= 8 ? in.getLong() : 0, in.remaining() >= 8 ? in.getLong() : 0});
                }
                break;
            }
            default:
                break;
        }
    }

    /** bench:run: measures to {@code peer} and returns one line of key=value figures. */
    public String run(String peer) throws Exception {
        PeerId target = PeerId.parse(peer);
        StringBuilder out = new StringBuilder();
        List<Long> rtts = latency(target, 300);
        Collections.sort(rtts);
        out.append("rtt_p50_us=").append(rtts.get(rtts.size() / 2) / 1000)
                .append(" rtt_p99_us=").append(rtts.get(rtts.size() * 99 / 100) / 1000);
        long[] rate = stream(target, 1024, 20_000);
        out.append(" rate_msgs_s=").append(rate[0]).append(" rate_received=").append(rate[1]).append("/20000");
        int big = network.maxPayloadSize();
        int bulkMessages = (int) ((64L << 20) / big);
        long[] bulk = stream(target, big, bulkMessages);
        out.append(" bulk_mb_s=").append(String.format("%.1f", bulk[2] / 1e6 / (bulk[3] / 1e9)))
                .append(" bulk_received=").append(bulk[1]).append('/').append(bulkMessages);
        return out.toString();
    }

    private List<Long> latency(PeerId target, int pings) throws Exception {
        List<Long> rtts = new ArrayList<>();
        for (int i = 0; i < pings + 20; i++) {
            long id = System.nanoTime();
            CompletableFuture<long[]> pong = new CompletableFuture<>();
            waiting.put(id, pong);
            long start = System.nanoTime();
            network.send(target, PING, ByteBuffer.allocate(64).putLong(id).array());
            try {
                pong.get(2, TimeUnit.SECONDS);
                if (i >= 20) { // the first ones warm up
                    rtts.add(System.nanoTime() - start);
                }
            } catch (TimeoutException lost) {
                waiting.remove(id); // a lossy medium may drop a ping
            }
        }
        if (rtts.isEmpty()) {
            throw new IllegalStateException("no ping came back");
        }
        return rtts;
    }

    /** @return {msgs/s received, messages received, bytes received, elapsed nanos} */
    private long[] stream(PeerId target, int size, int messages) throws Exception {
        long id = System.nanoTime();
        Semaphore window = new Semaphore(WINDOW);
        long start = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            window.acquire();
            byte[] payload = new byte[size];
            ByteBuffer.wrap(payload).putLong(id);
            network.send(target, DATA, payload).whenComplete((r, e) -> window.release());
        }
        if (!window.tryAcquire(WINDOW, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("sends did not complete within 60 s");
        }
        long[] report = null;
        for (int attempt = 0; attempt < 5 && report == null; attempt++) {
            CompletableFuture<long[]> answer = new CompletableFuture<>();
            waiting.put(id, answer);
            network.send(target, DONE, ByteBuffer.allocate(8).putLong(id).array());
            try {
                report = answer.get(2, TimeUnit.SECONDS);
            } catch (TimeoutException lost) {
                waiting.remove(id);
            }
        }
        if (report == null) {
            throw new IllegalStateException("the receiver never reported");
        }
        long elapsed = System.nanoTime() - start;
        return new long[] {Math.round(report[0] / (elapsed / 1e9)), report[0], report[1], elapsed};
    }
}
