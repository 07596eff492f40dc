package org.sovereignmesh.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;

/**
 * Zero loss of accepted messages across {@code kill -9}: a sender, a relay and a receiver, each a real node process
 * on its own store, each killed at the worst moment and started again. A message counts as accepted when
 * {@code mesh:send -r} said so; it counts as arrived when it is in the receiver's inbox ({@code mesh:inbox}, kept
 * in the receiver's store). The three nodes do not discover each other on the LAN: the sender links to the relay,
 * the relay to the receiver, so the first messages must cross the relay (later the DHT may introduce sender and
 * receiver to each other, as it should).
 */
public class DurableDeliveryIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern ACCEPTED = Pattern.compile("^message ([0-9a-f]{1,16}) accepted$");
    private static final Pattern TCP_ADDRESS = Pattern.compile("/ip4/127\\.0\\.0\\.1/tcp/\\d+");
    private static final String[] ISOLATED = {"-Dmesh.discovery.multicast=false"};

    @Test
    public void acceptedMessagesSurviveKillingTheSenderTheRelayAndTheReceiver() throws Exception {
        List<NodeProcess> all = new ArrayList<>();
        try {
            // the receiver's identity first, then it goes away: nothing can reach it for a while
            NodeProcess receiver = track(all, NodeProcess.start("durable-d", ISOLATED).awaitReady(WAIT));
            String peerD = receiver.peerId();
            receiver.terminate(WAIT);
            NodeProcess relay = track(all, NodeProcess.start("durable-r", ISOLATED).awaitReady(WAIT));
            NodeProcess sender = track(all, NodeProcess.start("durable-s", ISOLATED).awaitReady(WAIT));
            String peerS = sender.peerId();
            String peerR = relay.peerId();
            connect(sender, relay, peerR);

            // 1. the sender accepts messages it cannot deliver yet, and is killed
            List<String> expected = new ArrayList<>();
            send(sender, peerD, "first", 20, expected);
            sender.close(); // kill -9
            sender = track(all, NodeProcess.restart("durable-s", java.util.Map.of(), ISOLATED).awaitReady(WAIT));
            NodeProcess s0 = sender;
            Await.until("the sender took its 20 messages up again", WAIT, () -> s0.printed(": 20 unacknowledged messages"));
            connect(sender, relay, peerR);
            receiver = track(all, NodeProcess.restart("durable-d", java.util.Map.of(), ISOLATED).awaitReady(WAIT));
            connect(relay, receiver, peerD);
            awaitInbox(receiver, peerS, expected);
            NodeProcess s1 = sender;
            Await.until("the restarted sender saw every first message acknowledged", WAIT,
                    () -> delivered(s1) >= 20);

            // 2. the relay holds messages in custody for an unreachable receiver, and is killed; the sender is gone
            // too, so only the relay's store can bring them
            // the DHT may have linked sender and receiver directly: the sender must see that link gone first, or
            // it keeps the messages itself (and this phase is about the relay's custody)
            receiver.terminate(WAIT);
            NodeProcess s1a = sender;
            Await.until("the sender has no link to the stopped receiver", WAIT, () -> !s1a.hasAnyLink(peerD));
            send(sender, peerD, "second", 20, expected);
            NodeProcess r1 = relay;
            NodeProcess s1b = sender;
            try {
                Await.until("the relay holds the second messages", WAIT,
                        () -> DeliveryIT.count(r1.shell.query("mesh:queue"), " CUSTODY ") >= 20);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + state("sender", s1b) + state("relay", r1), e);
            }
            sender.close();
            relay.close();
            relay = track(all, NodeProcess.restart("durable-r", java.util.Map.of(), ISOLATED).awaitReady(WAIT));
            assertTrue("the relay's custody came back from its store:\n" + relay.shell.run("mesh:queue"),
                    DeliveryIT.count(relay.shell.run("mesh:queue"), " CUSTODY ") >= 20);
            receiver = track(all, NodeProcess.restart("durable-d", java.util.Map.of(), ISOLATED).awaitReady(WAIT));
            connect(relay, receiver, peerD);
            awaitInbox(receiver, peerS, expected);

            // the sender comes back and learns its second messages arrived (acknowledged, not delivered again)
            sender = track(all, NodeProcess.restart("durable-s", java.util.Map.of(), ISOLATED).awaitReady(WAIT));
            connect(sender, relay, peerR);
            NodeProcess s2 = sender;
            Await.until("the sender saw every second message acknowledged", WAIT, () -> delivered(s2) >= 20);

            // 3. the receiver is killed while a stream flows to it
            List<String> third = new ArrayList<>();
            NodeProcess d1 = receiver;
            NodeProcess s3 = sender;
            Thread stream = new Thread(() -> {
                try {
                    send(s3, peerD, "third", 100, third);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            stream.start();
            Await.until("the stream reached the receiver", WAIT, () -> d1.printed(": third 10"));
            receiver.close();
            stream.join(WAIT.toMillis());
            expected.addAll(third);
            receiver = track(all, NodeProcess.restart("durable-d", java.util.Map.of(), ISOLATED).awaitReady(WAIT));
            connect(relay, receiver, peerD);
            try {
                awaitInbox(receiver, peerS, expected);
            } catch (AssertionError e) {
                List<String> missing = new ArrayList<>(expected);
                missing.removeAll(inboxTexts(receiver, peerS));
                throw new AssertionError(e.getMessage() + "; missing " + missing + "\n" + state("sender", sender)
                        + state("relay", relay) + state("receiver", receiver), e);
            }

            List<String> received = inboxTexts(receiver, peerS);
            int duplicates = received.size() - (int) received.stream().distinct().count();
            System.out.println("messages accepted: " + expected.size() + ", duplicates after the receiver's kill -9: "
                    + duplicates);
            assertTrue("a duplicate needs the kill to fall between a handler's return and its record: " + duplicates,
                    duplicates <= 5);
        } finally {
            for (NodeProcess node : all) {
                node.close();
            }
        }
    }

    /** What a node knows of its links, routes and queue, for a failure message. */
    private static String state(String role, NodeProcess node) {
        return "--- " + role + " " + node.peerId() + "\n" + node.shell.query("mesh:links") + "\n"
                + node.shell.query("mesh:routes") + "\n" + node.shell.query("mesh:queue") + "\n"
                + node.shell.query("mesh:deliveries -n 25") + "\n";
    }

    private static NodeProcess track(List<NodeProcess> all, NodeProcess node) {
        all.add(node);
        return node;
    }

    /** Links {@code from} to {@code to} over TCP with an explicit {@code mesh:connect}. */
    private static void connect(NodeProcess from, NodeProcess to, String toPeer) throws Exception {
        // a node is ready before its transports listen: wait for the address
        Await.until("tcp address of " + to.directory, WAIT,
                () -> TCP_ADDRESS.matcher(to.shell.query("mesh:transports")).find());
        Matcher m = TCP_ADDRESS.matcher(to.shell.run("mesh:transports"));
        assertTrue("tcp address of " + to.directory, m.find());
        String answer = from.shell.run("mesh:connect " + m.group() + "/p2p/" + toPeer);
        assertTrue(answer, answer.startsWith("link "));
    }

    /** Sends {@code count} reliable messages without waiting for receipts; each must be accepted. */
    private static void send(NodeProcess from, String to, String label, int count, List<String> accepted)
            throws Exception {
        for (int i = 0; i < count; i++) {
            String text = label + " " + i;
            String answer = from.shell.run("mesh:send -r -w 0 " + to + " " + text);
            if (ACCEPTED.matcher(answer).matches()) {
                accepted.add(text);
            } else {
                // the receiver's kill may land while this send was in progress: then it was not accepted
                assertTrue("accepted or refused with a reason: " + answer, !answer.isBlank());
            }
        }
    }

    private static void awaitInbox(NodeProcess receiver, String from, List<String> texts) throws Exception {
        Await.until("the receiver's inbox holds all " + texts.size() + " accepted messages", WAIT,
                () -> inboxTexts(receiver, from).containsAll(texts));
        assertEquals(texts.size(), texts.stream().distinct().count());
    }

    /** @return the texts in the receiver's inbox from {@code from}, in order, duplicates included */
    static List<String> inboxTexts(NodeProcess receiver, String from) {
        List<String> texts = new ArrayList<>();
        for (String line : receiver.shell.query("mesh:inbox -n 10000").split("\n")) {
            int at = line.indexOf(from + "  ");
            if (at >= 0) {
                texts.add(line.substring(at + from.length()).strip());
            }
        }
        return texts;
    }

    private static int delivered(NodeProcess sender) {
        return DeliveryIT.count(sender.shell.query("mesh:deliveries -n 1000"), " DELIVERED ");
    }
}
