package org.sovereignmesh.transport.netty.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;

class LengthPrefixedFrameCodecTest {
    @Test
    void framesSurviveAnySplitOfTheStream() {
        EmbeddedChannel sender = new EmbeddedChannel(new LengthPrefixedFrameCodec(1000));
        sender.writeOutbound(new byte[] {1, 2, 3}, NettyLink.KEEPALIVE, new byte[1000]);
        ByteBuf wire = Unpooled.buffer();
        for (ByteBuf b; (b = sender.readOutbound()) != null;) {
            wire.writeBytes(b);
            b.release();
        }
        assertEquals(4 + 3 + 4 + 4 + 1000, wire.readableBytes());
        EmbeddedChannel receiver = new EmbeddedChannel(new LengthPrefixedFrameCodec(1000));
        while (wire.isReadable()) {
            receiver.writeInbound(wire.readRetainedSlice(Math.min(3, wire.readableBytes())));
        }
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) receiver.readInbound());
        assertSame(NettyLink.KEEPALIVE, receiver.readInbound());
        assertEquals(1000, ((byte[]) receiver.readInbound()).length);
        assertNull(receiver.readInbound());
    }

    @Test
    void anOversizedLengthFailsBeforeTheBodyIsBuffered() {
        EmbeddedChannel receiver = new EmbeddedChannel(new LengthPrefixedFrameCodec(1000));
        ByteBuf header = Unpooled.buffer().writeInt(Integer.MAX_VALUE).writeByte(1);
        DecoderException e = assertThrows(DecoderException.class, () -> receiver.writeInbound(header));
        assertTrue(e.getCause() instanceof FrameTooLargeException);
        assertEquals("peer announced a frame of 2147483647 bytes, above the MTU of 1000 bytes", e.getCause().getMessage());
        // whatever follows is discarded, not accumulated
        receiver.writeInbound(Unpooled.wrappedBuffer(new byte[5000]));
        assertNull(receiver.readInbound());
        // a length with the top bit set is not negative
        EmbeddedChannel other = new EmbeddedChannel(new LengthPrefixedFrameCodec(1000));
        assertThrows(DecoderException.class, () -> other.writeInbound(Unpooled.buffer().writeInt(0x80000001)));
    }
}
