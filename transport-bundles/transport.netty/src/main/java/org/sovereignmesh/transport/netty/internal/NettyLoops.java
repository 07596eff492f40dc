package org.sovereignmesh.transport.netty.internal;

import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Event loop groups of the internet transports. Each started transport owns one small group (NIO, daemon threads
 * named after the transport) and shuts it down when stopped, so a transport bundle leaves no thread behind when it is
 * stopped or updated.
 */
public final class NettyLoops {
    private NettyLoops() {
    }

    /** @param name thread name prefix, for example {@code mesh-tcp} */
    public static EventLoopGroup create(String name, int threads) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), NioIoHandler.newFactory());
    }

    /** Starts an immediate shutdown; does not wait (stop must return promptly). */
    public static void shutdown(EventLoopGroup group) {
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
    }
}
