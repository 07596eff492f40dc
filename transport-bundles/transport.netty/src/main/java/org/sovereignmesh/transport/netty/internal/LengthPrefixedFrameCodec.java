package org.sovereignmesh.transport.netty.internal;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageCodec;

/**
 * Frames on a byte stream (TCP, a QUIC stream): {@code length:u32 big-endian | frame}. A length of zero is a
 * keepalive and decodes to {@link NettyLink#KEEPALIVE}. A length above the MTU fails the connection with a
 * {@link FrameTooLargeException} as soon as the four length bytes are in, before the body is buffered, so one peer
 * can make this node hold at most {@code 4 + mtu} bytes plus one socket read.
 */
public final class LengthPrefixedFrameCodec extends ByteToMessageCodec<byte[]> {
    public static final int HEADER = 4;
    private final int mtu;
    private boolean failed;

    public LengthPrefixedFrameCodec(int mtu) {
        super(byte[].class);
        this.mtu = mtu;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, byte[] frame, ByteBuf out) {
        out.writeInt(frame.length);
        out.writeBytes(frame);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws FrameTooLargeException {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.readableBytes() >= HEADER) {
            long length = in.getUnsignedInt(in.readerIndex());
            if (length > mtu) {
                failed = true;
                in.skipBytes(in.readableBytes());
                throw new FrameTooLargeException(length, mtu);
            }
            if (in.readableBytes() < HEADER + length) {
                return;
            }
            in.skipBytes(HEADER);
            if (length == 0) {
                out.add(NettyLink.KEEPALIVE);
                continue;
            }
            byte[] frame = new byte[(int) length];
            in.readBytes(frame);
            out.add(frame);
        }
    }
}
