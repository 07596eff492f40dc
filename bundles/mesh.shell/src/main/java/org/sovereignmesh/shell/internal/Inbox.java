package org.sovereignmesh.shell.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.sovereignmesh.api.MeshMessage;
import org.sovereignmesh.api.MessageHandler;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.store.MeshStore;
import org.sovereignmesh.store.QueueEntry;
import org.sovereignmesh.store.RecordQueue;

/**
 * Keeps the text messages this node receives in its store, so people (and tests) can read them later with
 * {@code mesh:inbox}, after a restart too. A message is stored before the handler returns: the node acknowledges a
 * reliable message only after that, so an acknowledged message is always in the inbox. Holds the newest
 * {@value #CAPACITY} messages.
 */
@Component(service = {MessageHandler.class, Inbox.class},
        property = {MessageHandler.CHANNEL_PROPERTY + "=" + MeshCommands.TEXT_CHANNEL,
            "osgi.command.scope=mesh", "osgi.command.function=inbox"})
public final class Inbox implements MessageHandler {
    static final int CAPACITY = 10_000;
    private static final System.Logger LOG = System.getLogger(Inbox.class.getName());

    private final RecordQueue messages;

    @Activate
    public Inbox(@Reference MeshStore store) {
        this(store.queue("shell.inbox"));
    }

    Inbox(RecordQueue messages) {
        this.messages = messages;
    }

    @Override
    public void messageReceived(MeshMessage message) {
        byte[] source = message.source().publicKey();
        byte[] text = message.payload();
        byte[] record = ByteBuffer.allocate(1 + source.length + 8 + text.length).put((byte) 1).put(source)
                .putLong(message.receivedAtMillis()).put(text).array();
        messages.append(record); // if this throws, the node does not acknowledge: the sender tries again later
        long excess = messages.size() - CAPACITY;
        if (excess > 0) {
            for (QueueEntry oldest : messages.peek((int) Math.min(excess, 100))) {
                messages.remove(oldest.sequence());
            }
        }
    }

    @Descriptor("list the text messages this node received, oldest first (kept across restarts)")
    public String inbox(@Descriptor("how many of the newest to list") @Parameter(names = {"-n", "--max"},
            absentValue = "50") int max) {
        if (max < 1) {
            throw new IllegalArgumentException("--max must be at least 1, got " + max);
        }
        long size = messages.size();
        List<QueueEntry> all = messages.peek((int) Math.min(Integer.MAX_VALUE, size));
        List<QueueEntry> newest = all.subList(Math.max(0, all.size() - max), all.size());
        Table table = new Table("RECEIVED", "FROM", "TEXT");
        for (QueueEntry entry : newest) {
            ByteBuffer in = ByteBuffer.wrap(entry.item());
            if (in.remaining() < 1 + PeerId.KEY_LENGTH + 8 || in.get() != 1) {
                LOG.log(System.Logger.Level.WARNING, "skipping an inbox record of unknown format");
                continue;
            }
            byte[] key = new byte[PeerId.KEY_LENGTH];
            in.get(key);
            long at = in.getLong();
            byte[] text = new byte[in.remaining()];
            in.get(text);
            table.row(Instant.ofEpochMilli(at), PeerId.fromPublicKey(key), new String(text, StandardCharsets.UTF_8));
        }
        return table.size() == 0 ? "inbox empty" : table + "\n" + newest.size() + " of " + size + " messages";
    }
}
