package org.sovereignmesh.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;

/**
 * Reliable delivery between real node processes: a stream of acknowledged messages keeps flowing when the transport
 * carrying it is stopped mid-stream, with nothing lost and nothing delivered twice.
 */
public class DeliveryIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern ACCEPTED = Pattern.compile("^message ([0-9a-f]{1,16}) accepted$");

    @Test
    public void aStreamMovesToAnotherTransportWhenTheOneInUseStopsWithoutLossOrDuplicates() throws Exception {
        try (NodeProcess a = NodeProcess.start("handover-a");
                NodeProcess b = NodeProcess.start("handover-b")) {
            a.awaitReady(WAIT);
            b.awaitReady(WAIT);
            String peerA = a.peerId();
            String peerB = b.peerId();
            for (String transport : List.of("tcp", "ws")) {
                a.awaitLink(peerB, transport, WAIT);
            }
            int total = 300;
            CompletableFuture<List<String>> stream = CompletableFuture.supplyAsync(() -> {
                List<String> ids = new ArrayList<>();
                try {
                    for (int i = 0; i < total; i++) {
                        String answer = a.shell.run("mesh:send -r -w 0 " + peerB + " stream " + i);
                        Matcher m = ACCEPTED.matcher(answer);
                        assertTrue("accepted: " + answer, m.matches());
                        ids.add(m.group(1));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return ids;
            });
            // mid-stream, the transport that carries it goes away on the sending side
            Await.until("B received the first 100 messages", WAIT, () -> received(b, peerA, 100));
            String before = a.shell.run("mesh:deliveries -n 30");
            assertTrue("tcp carried the stream so far:\n" + before, before.contains(" via tcp /ip4/"));
            a.stopBundle("TCP transport");
            List<String> ids = stream.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(total, ids.size());

            Await.until("B received all " + total + " messages", WAIT, () -> received(b, peerA, total));
            for (int i = 0; i < total; i++) {
                assertEquals("message " + i + " delivered once", 1,
                        b.printedLines("message from " + peerA + ": stream " + i));
            }
            Await.until("A saw every message acknowledged", WAIT, () -> {
                String history = a.shell.query("mesh:deliveries -n " + (total + 10));
                return count(history, " DELIVERED ") == total;
            });
            String last = a.shell.run("mesh:deliveries " + ids.get(total - 1));
            assertTrue("the end of the stream went another way:\n" + last,
                    last.contains("state       DELIVERED") && !last.contains("acknowledged via tcp"));
            assertTrue(a.alive() && b.alive());
        }
    }

    private static boolean received(NodeProcess node, String from, int count) {
        for (int i = 0; i < count; i++) {
            if (!node.printed("message from " + from + ": stream " + i)) {
                return false;
            }
        }
        return true;
    }

    static int count(String text, String word) {
        int n = 0;
        for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
            n++;
        }
        return n;
    }
}
