package org.sovereignmesh.itests;

import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
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
                awaitLink(a, peerB, transport);
                awaitLink(a, peerC, transport);
                awaitLink(b, peerC, transport);
            }
            String links = a.shell.run("mesh:links");
            assertTrue("one link per pair and transport, not two:\n" + links,
                    count(links, "ESTABLISHED") == 2 * TRANSPORTS.size());

            // a third node is reached too
            assertTrue(send(a, peerC, "hello C").startsWith("tcp"));
            Await.until("C printed A's message", WAIT, () -> c.printed("message from " + peerA + ": hello C"));

            // stop A's transports one by one, the best first, while messages flow to B: each step moves traffic to
            // the next transport and every message arrives
            int sequence = 0;
            for (int step = 0; step < TRANSPORTS.size(); step++) {
                String expected = TRANSPORTS.get(step);
                for (int i = 0; i < 5; i++) {
                    String text = "message " + sequence++;
                    String via = send(a, peerB, text);
                    assertTrue(text + " went via " + via + ", expected " + expected, via.equals(expected));
                    if (i == 2 && step == 0) {
                        // mid-run: B loses its tcp transport; A notices the links close and moves to ws
                        stopBundle(b, "TCP transport");
                        Await.until("A's tcp link to B closed", WAIT, () -> !hasLink(a, peerB, "tcp"));
                        expected = "ws";
                    }
                }
                if (step == 0) {
                    startBundle(b, "TCP transport");
                    awaitLink(a, peerB, "tcp");
                    String back = send(a, peerB, "message " + sequence++);
                    assertTrue("tcp carries again once restarted: " + back, back.equals("tcp"));
                }
                if (step < TRANSPORTS.size() - 1) {
                    stopBundle(a, TRANSPORT_BUNDLES.get(step));
                }
            }
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

    private static void awaitLink(NodeProcess node, String peer, String transport) throws InterruptedException {
        Await.until(transport + " link to " + peer, WAIT, () -> hasLink(node, peer, transport));
    }

    private static boolean hasLink(NodeProcess node, String peer, String transport) {
        try {
            return Pattern.compile("(?m)^\\d+ +" + Pattern.quote(transport) + " +(in|out) +ESTABLISHED +"
                    + Pattern.quote(peer) + " ").matcher(node.shell.run("mesh:links")).find();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs Gogo's {@code stop} on the bundle whose name contains {@code name}, found with {@code lb}. */
    private static void stopBundle(NodeProcess node, String name) throws IOException {
        node.shell.run("stop " + bundleId(node, name));
    }

    private static void startBundle(NodeProcess node, String name) throws IOException {
        node.shell.run("start " + bundleId(node, name));
    }

    private static String bundleId(NodeProcess node, String name) throws IOException {
        for (String line : node.shell.run("lb").split("\n")) {
            if (line.contains(name)) {
                return line.split("\\|")[0].strip();
            }
        }
        throw new AssertionError("no bundle named " + name);
    }

    private static int count(String text, String word) {
        int n = 0;
        for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
            n++;
        }
        return n;
    }
}
