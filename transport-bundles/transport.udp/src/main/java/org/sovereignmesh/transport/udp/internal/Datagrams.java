package org.sovereignmesh.transport.udp.internal;

/**
 * The UDP transport's datagrams, all big-endian:
 *
 * <pre>
 * FRAGMENT = 0x01 | message id:u32 | index:u8 | count:u8 | bytes   (a frame cut into count pieces, 1..255)
 * PING     = 0x02                                                  (keepalive, discarded; a new link's greeting)
 * CLOSE    = 0x03                                                  (the sender closed the link)
 * </pre>
 */
final class Datagrams {
    static final byte FRAGMENT = 1;
    static final byte PING = 2;
    static final byte CLOSE = 3;
    static final int FRAGMENT_HEADER = 1 + 4 + 1 + 1;
    static final int MAX_FRAGMENTS = 255;

    private Datagrams() {
    }

    /** @return how many fragments a frame of {@code length} bytes needs */
    static int fragments(int length, int datagramSize) {
        int chunk = datagramSize - FRAGMENT_HEADER;
        return Math.max(1, (length + chunk - 1) / chunk);
    }
}
