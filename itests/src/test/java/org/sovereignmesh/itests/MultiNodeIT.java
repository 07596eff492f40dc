package org.sovereignmesh.itests;

import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;

/**
 * Real node processes ({@code java -jar node.jar}) on one machine find each other by LAN discovery on loopback and
 * exchange messages with {@code mesh:send} over every internet transport. Transport bundles are stopped one after
 * the other while messages flow (Gogo {@code stop <bundle-id>} on the command port): traffic moves to the next
 * transport and nothing is lost; started again, they link up again.
 */
public class MultiNodeIT {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final List<String> TRANSPORTS = List.of("tcp", "ws", "quic", "udp");
    private static final Pattern RECEIPT = Pattern.compile("SENT to \\S+ via (\\S+) ");

    @Test
    public void threeNodesFindEachOtherAndTrafficMovesAcrossTransportsAsTheyStop() throws Exception {
        try (NodeProcess a = NodeProcess.start("multi-a");
                NodeProcess b = NodeProcess.start("multi-b");
                NodeProcess c = NodeProcess.start("multi-c")) {
            for (NodeProcess n : List.of(a, b, c)) {
                n.awaitReady(WAIT);
            }
            String peerA = a.peerId();
            String peerB = b.peerId();
            String peerC = c.peerId();

            // discovery links every pair on every transport, one link each
            for (String transport : TRANSPORTS) {
                a.awaitLink(peerB, transport, WAIT);
                a.awaitLink(peerC, transport, WAIT);
                b.awaitLink(peerC, transport, WAIT);
            }
            String links = a.shell.run("mesh:links");
            assertTrue("one link per pair and transport, not two:\n" + links,
                    count(links, "ESTABLISHED") == 2 * TRANSPORTS.size());

            // a third node is reached too
            String toC = send(a, peerC, "hello C");
            assertTrue("to C via " + toC, TRANSPORTS.contains(toC));
            Await.until("C printed A's message", WAIT, () -> c.printed("message from " + peerA + ": hello C"));

            // stop A's transports one by one, the best first, while messages flow to B: each step moves traffic off
            // the stopped transport to one still running (which one also depends on how busy each link is: the
            // core weighs frames in flight, so the order among the rest is not fixed) and every message arrives
            int sequence = 0;
            java.util.Map<String, Integer> carried = new java.util.TreeMap<>();
            for (int step = 0; step < TRANSPORTS.size(); step++) {
                List<String> running = new java.util.ArrayList<>(TRANSPORTS.subList(step, TRANSPORTS.size()));
                for (int i = 0; i < 5; i++) {
                    String text = "message " + sequence++;
                    String via = send(a, peerB, text);
                    assertTrue(text + " went via " + via + ", expected one of " + running, running.contains(via));
                    carried.merge(via, 1, Integer::sum);
                    if (i == 2 && step == 0) {
                        // mid-run: B loses its tcp transport; A notices the links close and moves on
                        b.stopBundle("TCP transport");
                        Await.until("A's tcp link to B closed", WAIT, () -> !a.hasLink(peerB, "tcp"));
                        running.remove("tcp");
                    }
                }
                if (step == 0) {
                    b.startBundle("TCP transport");
                    a.awaitLink(peerB, "tcp", WAIT);
                    // tcp is the best link again; a frame in flight on it may send one message elsewhere
                    List<String> back = new java.util.ArrayList<>();
                    for (int i = 0; i < 5; i++) {
                        back.add(send(a, peerB, "message " + sequence++));
                    }
                    assertTrue("tcp carries again once restarted: " + back, back.contains("tcp"));
                }
                if (step < TRANSPORTS.size() - 1) {
                    a.stopBundle(TRANSPORT_BUNDLES.get(step));
                }
            }
            System.out.println("multi-node itest: messages per transport while A's transports stopped: " + carried);
            int total = sequence;
            Await.until("B printed all " + total + " messages", WAIT, () -> {
                for (int i = 0; i < total; i++) {
                    if (!b.printed("message from " + peerA + ": message " + i)) {
                        return false;
                    }
                }
                return true;
            });
            for (NodeProcess n : List.of(a, b, c)) {
                assertTrue(n.alive());
                n.terminate(WAIT);
            }
        }
    }

    private static final List<String> TRANSPORT_BUNDLES = List.of("TCP transport", "WebSocket transport",
            "QUIC transport", "UDP transport");

    /** Sends with mesh:send and returns the transport id the receipt names. */
    private static String send(NodeProcess from, String peer, String text) throws IOException {
        String receipt = from.shell.run("mesh:send " + peer + " " + text);
        Matcher m = RECEIPT.matcher(receipt);
        assertTrue("receipt for '" + text + "': " + receipt, m.find());
        return m.group(1);
    }

    private static int count(String text, String word) {
        int n = 0;
        for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
            n++;
        }
        return n;
    }
}
