package org.sovereignmesh.dht.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

import org.sovereignmesh.api.transport.MeshAddress;
import org.sovereignmesh.dht.PeerRecord;

/**
 * Rendezvous records: what a node says about how to reach it, published (signed, as a DHT record) under its own
 * DHT id and under its region's key.
 *
 * <pre>
 * value     = 'P' (0x50) | version (1) = 1 | addresses | transports | region
 * addresses = count (1, at most 8) | count * (length (1) | multiaddr text, UTF-8)
 * transports= count (1, at most 8) | count * (length (1) | transport id, UTF-8)
 * region    = length (1) | UTF-8 text
 * region key= SHA-256("sovereign-mesh region v1\0" | region, UTF-8)
 * </pre>
 */
public final class PeerRecords {
    static final int MAGIC = 'P';
    static final int VERSION = 1;
    public static final int MAX_ITEMS = 8;

    private PeerRecords() {
    }

    /** @return the key peers of {@code region} publish their records under */
    public static byte[] regionKey(String region) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("sovereign-mesh region v1\0".getBytes(StandardCharsets.UTF_8));
            return sha.digest(region.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Encodes a self-description; addresses and transports beyond 8, and texts over 255 bytes, are left out. */
    public static byte[] encode(List<MeshAddress> addresses, List<String> transports, String region) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(MAGIC);
        out.write(VERSION);
        List<String> texts = new ArrayList<>();
        addresses.forEach(a -> texts.add(a.withoutPeer().toString()));
        writeList(out, texts);
        writeList(out, transports);
        writeText(out, truncate(region));
        return out.toByteArray();
    }

    private static void writeList(ByteArrayOutputStream out, List<String> items) {
        List<byte[]> fitting = new ArrayList<>();
        for (String s : items) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length <= 255 && fitting.size() < MAX_ITEMS) {
                fitting.add(b);
            }
        }
        out.write(fitting.size());
        for (byte[] b : fitting) {
            out.write(b.length);
            out.writeBytes(b);
        }
    }

    private static void writeText(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length);
        out.writeBytes(b);
    }

    private static String truncate(String region) {
        String r = region == null ? "" : region;
        while (r.getBytes(StandardCharsets.UTF_8).length > 255) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }

    /** @return the peer record a signed DHT record carries */
    public static PeerRecord decode(SignedRecord record) throws MalformedMessageException {
        MessageReader in = new MessageReader(record.value());
        if (in.u8("peer record magic") != MAGIC) {
            throw new MalformedMessageException("not a peer record");
        }
        int version = in.u8("peer record version");
        if (version != VERSION) {
            throw new MalformedMessageException("unknown peer record version " + version);
        }
        List<MeshAddress> addresses = new ArrayList<>();
        for (String text : readList(in, "address")) {
            try {
                addresses.add(MeshAddress.parse(text));
            } catch (IllegalArgumentException e) {
                throw new MalformedMessageException("invalid address in peer record: " + e.getMessage());
            }
        }
        List<String> transports = readList(in, "transport");
        String region = in.shortText("region");
        in.requireEnd();
        return new PeerRecord(record.publisher(), addresses, transports, region, record.sequence(),
                record.expiresAtMillis());
    }

    private static List<String> readList(MessageReader in, String what) throws MalformedMessageException {
        int count = in.u8(what + " count");
        if (count > MAX_ITEMS) {
            throw new MalformedMessageException(count + " " + what + "es, at most " + MAX_ITEMS);
        }
        List<String> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(in.shortText(what));
        }
        return list;
    }
}
