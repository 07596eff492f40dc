package org.sovereignmesh.core.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits a packet that does not fit one frame of a link, and puts it back together on the other side. Fragments
 * live only on one link (hop by hop): every relay reassembles and, if needed, fragments again for its next link.
 *
 * <pre>
 * fragment = stream id (4, random) | index (1) | count (1) | chunk
 * </pre>
 *
 * A reassembler bounds what partial packets may cost: at most {@value #MAX_STREAMS} at a time (the oldest is dropped),
 * at most {@link #maxBytes} bytes in all, and each must complete before its deadline.
 */
final class Fragments {
    static final int HEADER = 4 + 1 + 1;
    static final int MAX_FRAGMENTS = 255;
    static final int MAX_STREAMS = 16;

    private Fragments() {
    }

    /**
     * @param room bytes a fragment may take on the link (frame minus framing)
     * @return the fragments, each {@link #HEADER} + chunk bytes
     * @throws IllegalArgumentException if it would take more than {@value #MAX_FRAGMENTS} fragments
     */
    static List<byte[]> split(byte[] packet, int room, int streamId) {
        int chunk = room - HEADER;
        if (chunk < 1) {
            throw new IllegalArgumentException("a link frame of " + room + " bytes cannot carry fragments");
        }
        int count = (packet.length + chunk - 1) / chunk;
        if (count > MAX_FRAGMENTS) {
            throw new IllegalArgumentException("a packet of " + packet.length + " bytes needs " + count
                    + " fragments of " + chunk + " bytes; at most " + MAX_FRAGMENTS + " are allowed");
        }
        List<byte[]> fragments = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int from = i * chunk;
            int length = Math.min(chunk, packet.length - from);
            fragments.add(ByteBuffer.allocate(HEADER + length).putInt(streamId).put((byte) i).put((byte) count)
                    .put(packet, from, length).array());
        }
        return fragments;
    }

    /** Reassembles the fragments of one link. Loop-confined. */
    static final class Reassembler {
        private final long maxBytes;
        private final Map<Integer, Partial> partials = new LinkedHashMap<>();
        private long bytes;

        Reassembler(long maxBytes) {
            this.maxBytes = maxBytes;
        }

        /**
         * @param deadlineNanos when the stream this fragment starts must be complete
         * @return the whole packet once its last fragment arrived, else null
         */
        byte[] add(byte[] fragment, long nowNanos, long deadlineNanos) throws MalformedFrameException {
            if (fragment.length <= HEADER) {
                throw new MalformedFrameException("fragment of " + fragment.length + " bytes has no data");
            }
            ByteBuffer in = ByteBuffer.wrap(fragment);
            int stream = in.getInt();
            int index = in.get() & 0xff;
            int count = in.get() & 0xff;
            if (count == 0 || index >= count) {
                throw new MalformedFrameException("fragment " + index + " of " + count);
            }
            expire(nowNanos);
            Partial partial = partials.get(stream);
            if (partial == null) {
                while (partials.size() >= MAX_STREAMS) {
                    drop(partials.keySet().iterator().next());
                }
                partial = new Partial(count, deadlineNanos);
                partials.put(stream, partial);
            } else if (partial.count != count) {
                drop(stream);
                throw new MalformedFrameException("fragments of stream " + stream + " disagree on their count");
            }
            if (partial.chunks[index] != null) {
                return null; // a duplicate fragment
            }
            int length = fragment.length - HEADER;
            while (bytes + length > maxBytes && partials.size() > 1) {
                Integer oldest = partials.keySet().iterator().next();
                if (oldest == stream) {
                    break;
                }
                drop(oldest);
            }
            if (bytes + length > maxBytes) {
                drop(stream);
                throw new MalformedFrameException("fragments exceed the reassembly budget of " + maxBytes + " bytes");
            }
            byte[] chunk = new byte[length];
            in.get(chunk);
            partial.chunks[index] = chunk;
            partial.received++;
            partial.bytes += length;
            bytes += length;
            if (partial.received < count) {
                return null;
            }
            drop(stream);
            ByteBuffer whole = ByteBuffer.allocate(partial.bytes);
            for (byte[] c : partial.chunks) {
                whole.put(c);
            }
            return whole.array();
        }

        int pendingStreams() {
            return partials.size();
        }

        long pendingBytes() {
            return bytes;
        }

        private void expire(long nowNanos) {
            for (Iterator<Map.Entry<Integer, Partial>> it = partials.entrySet().iterator(); it.hasNext();) {
                Map.Entry<Integer, Partial> e = it.next();
                if (e.getValue().deadlineNanos - nowNanos < 0) {
                    bytes -= e.getValue().bytes;
                    it.remove();
                }
            }
        }

        private void drop(Integer stream) {
            Partial gone = partials.remove(stream);
            if (gone != null) {
                bytes -= gone.bytes;
            }
        }

        private static final class Partial {
            final int count;
            final byte[][] chunks;
            final long deadlineNanos;
            int received;
            int bytes;

            Partial(int count, long deadlineNanos) {
                this.count = count;
                this.chunks = new byte[count][];
                this.deadlineNanos = deadlineNanos;
            }
        }
    }
}
