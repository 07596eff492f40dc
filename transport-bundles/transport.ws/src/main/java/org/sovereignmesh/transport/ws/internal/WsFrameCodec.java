package org.sovereignmesh.transport.ws.internal;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.sovereignmesh.transport.netty.internal.NettyLink;

/**
 * One mesh frame per binary WebSocket message (continuations already aggregated); an empty binary message is a
 * keepalive. Anything else (text) is a protocol error that closes the link.
 */
final class WsFrameCodec extends MessageToMessageCodec<WebSocketFrame, byte[]> {

    @Override
    protected void encode(ChannelHandlerContext ctx, byte[] frame, List<Object> out) {
        out.add(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(frame)));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame message, List<Object> out)
            throws CorruptedFrameException {
        if (!(message instanceof BinaryWebSocketFrame)) {
            throw new CorruptedFrameException(message.getClass().getSimpleName()
                    + " received: the mesh speaks binary WebSocket messages only");
        }
        ByteBuf content = message.content();
        out.add(content.isReadable() ? ByteBufUtil.getBytes(content) : NettyLink.KEEPALIVE);
    }
}
