package org.sovereignmesh.transport.netty.internal;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;

/** The pipeline of a length-prefixed byte stream (a TCP connection, a QUIC stream) carrying one {@link NettyLink}. */
public final class StreamPipeline {
    /** Frames written back to back share one flush (one system call) up to this many. */
    static final int FLUSHES_PER_SYSCALL = 64;

    private StreamPipeline() {
    }

    public static void install(ChannelPipeline pipeline, NettyLink link, int mtu) {
        pipeline.addLast("activity", link.rawActivity());
        pipeline.addLast("flush", new FlushConsolidationHandler(FLUSHES_PER_SYSCALL, true));
        pipeline.addLast("frames", new LengthPrefixedFrameCodec(mtu));
        pipeline.addLast("link", link.frames());
    }
}
