package org.sovereignmesh.update.internal;

import java.util.HexFormat;

import org.sovereignmesh.update.UpdateState;

/**
 * Messages of the update protocol on mesh channel {@value #CHANNEL}; each is one mesh message, sealed end to end by
 * the core like any other. Layout (big-endian): {@code version (1) = 1 | type (1) | body}.
 *
 * <pre>
 * 1 LIST     (empty)                                   "send me your current offers"
 * 2 OFFER    offer (see {@link Offer})                 an update, signed by its publisher
 * 3 GET      update id (32) | bundle (2) | chunk (4)   request one chunk
 * 4 CHUNK    update id (32) | bundle (2) | chunk (4) | bytes
 * 5 STATUS   update id (32) | state (1) | bytes done (8) | bytes total (8) | detail (2 + n)
 * 6 MISSING  update id (32)                            "I do not have that update (any more)"
 * </pre>
 */
final class Wire {
    static final String CHANNEL = "mesh.update";
    static final int VERSION = 1;
    static final int TYPE_GET = 3;
    static final int TYPE_CHUNK = 4;
    static final int ID = 32;
    /** Bytes a CHUNK message adds to its data. */
    static final int CHUNK_HEADER = 2 + ID + 2 + 4;
    static final int MAX_DETAIL = 1000;

    sealed interface Message permits ListRequest, OfferMessage, Get, Chunk, Status, Missing {
    }

    record ListRequest() implements Message {
    }

    record OfferMessage(Offer offer) implements Message {
    }

    record Get(String id, int bundle, int chunk) implements Message {
    }

    record Chunk(String id, int bundle, int chunk, byte[] data) implements Message {
    }

    record Status(String id, UpdateState state, long bytesDone, long bytesTotal, String detail) implements Message {
    }

    record Missing(String id) implements Message {
    }

    private Wire() {
    }

    static byte[] list() {
        return header(1).toByteArray();
    }

    static byte[] offer(Offer offer) {
        return header(2).bytes(offer.encode()).toByteArray();
    }

    static byte[] get(String id, int bundle, int chunk) {
        return header(TYPE_GET).bytes(hex(id)).u16(bundle).u32(chunk).toByteArray();
    }

    static byte[] chunk(String id, int bundle, int chunk, byte[] data, int length) {
        return header(TYPE_CHUNK).bytes(hex(id)).u16(bundle).u32(chunk).bytes(data, 0, length).toByteArray();
    }

    static byte[] status(String id, UpdateState state, long done, long total, String detail) {
        String d = detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail;
        return header(5).bytes(hex(id)).u8(state.ordinal()).i64(done).i64(total).string16(d).toByteArray();
    }

    static byte[] missing(String id) {
        return header(6).bytes(hex(id)).toByteArray();
    }

    static Message decode(byte[] data) throws MalformedUpdateException {
        Reader r = new Reader(data);
        int version = r.u8("version");
        if (version != VERSION) {
            throw new MalformedUpdateException("update protocol version " + version + " (this node speaks " + VERSION + ")");
        }
        int type = r.u8("type");
        Message m;
        switch (type) {
            case 1:
                m = new ListRequest();
                break;
            case 2:
                m = new OfferMessage(Offer.decode(r, false));
                break;
            case TYPE_GET:
                m = new Get(id(r), r.u16("bundle"), chunkIndex(r));
                break;
            case TYPE_CHUNK:
                m = new Chunk(id(r), r.u16("bundle"), chunkIndex(r), r.bytes(r.remaining(), "chunk data"));
                break;
            case 5: {
                String id = id(r);
                int state = r.u8("state");
                if (state >= UpdateState.values().length) {
                    throw new MalformedUpdateException("unknown update state " + state);
                }
                long done = r.i64("bytes done");
                long total = r.i64("bytes total");
                String detail = r.utf8(r.u16("detail length"), "detail");
                if (detail.length() > MAX_DETAIL) {
                    throw new MalformedUpdateException("status detail of " + detail.length() + " characters");
                }
                m = new Status(id, UpdateState.values()[state], done, total, detail);
                break;
            }
            case 6:
                m = new Missing(id(r));
                break;
            default:
                throw new MalformedUpdateException("unknown update message type " + type);
        }
        r.end("the message");
        return m;
    }

    private static int chunkIndex(Reader r) throws MalformedUpdateException {
        long c = r.u32("chunk");
        if (c > Integer.MAX_VALUE) {
            throw new MalformedUpdateException("chunk index " + c + " out of range");
        }
        return (int) c;
    }

    private static String id(Reader r) throws MalformedUpdateException {
        return HexFormat.of().formatHex(r.bytes(ID, "update id"));
    }

    private static byte[] hex(String id) {
        return HexFormat.of().parseHex(id);
    }

    /**
     * Whether the message is a chunk request or a chunk: sent best effort and asked for again by the fetching node,
     * so the one kind of update message a busy agent may drop.
     */
    static boolean isTransferMessage(byte[] payload) {
        return payload.length >= 2 && (payload[1] == TYPE_GET || payload[1] == TYPE_CHUNK);
    }

    private static Writer header(int type) {
        return new Writer().u8(VERSION).u8(type);
    }
}
