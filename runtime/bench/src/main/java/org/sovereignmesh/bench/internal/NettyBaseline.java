package org.sovereignmesh.bench.internal;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;

/**
 * The limit: the same three measurements over plain Netty TCP on loopback, with no mesh: length-prefixed messages,
 * a server that echoes pings, counts data and reports on request. Same sizes and window as {@link BenchAgent}.
 */
final class NettyBaseline {
    private static final byte PING = 1;
    private static final byte DATA = 2;
    private static final byte DONE = 3;
    private static final int WINDOW = 256;

    static String run(int bulkMessageSize) throws Exception {
        EventLoopGroup server = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup client = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel listener = new ServerBootstrap().group(server).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            long[] counted = new long[2];
                            ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(1 << 20, 0, 4, 0, 4),
                                    new LengthFieldPrepender(4), new SimpleChannelInboundHandler<ByteBuf>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                            byte type = msg.getByte(0);
                                            if (type == PING) {
                                                ctx.writeAndFlush(msg.retain());
                                            } else if (type == DATA) {
                                                counted[0]++;
                                                counted[1] += msg.readableBytes() - 1;
                                            } else {
                                                ctx.writeAndFlush(ctx.alloc().buffer(17).writeByte(DONE)
                                                        .writeLong(counted[0]).writeLong(counted[1]));
                                                counted[0] = 0;
                                                counted[1] = 0;
                                            }
                                        }
                                    });
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            AtomicReference<CompletableFuture<ByteBuf>> answer = new AtomicReference<>();
            Channel ch = new Bootstrap().group(client).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline().addLast(new LengthFieldBasedFrameDecoder(1 << 20, 0, 4, 0, 4),
                                    new LengthFieldPrepender(4), new SimpleChannelInboundHandler<ByteBuf>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                            answer.get().complete(msg.retain());
                                        }
                                    });
                        }
                    }).connect((InetSocketAddress) listener.localAddress()).sync().channel();

            List<Long> rtts = new ArrayList<>();
            for (int i = 0; i < 320; i++) {
                CompletableFuture<ByteBuf> pong = new CompletableFuture<>();
                answer.set(pong);
                long start = System.nanoTime();
                ch.writeAndFlush(ch.alloc().buffer(65).writeByte(PING).writeZero(64));
                pong.get(5, TimeUnit.SECONDS).release();
                if (i >= 20) {
                    rtts.add(System.nanoTime() - start);
                }
            }
            Collections.sort(rtts);
            long[] rate = stream(ch, answer, 1024, 20_000);
            int bulkMessages = (int) ((64L << 20) / bulkMessageSize);
            long[] bulk = stream(ch, answer, bulkMessageSize, bulkMessages);
            ch.close().sync();
            listener.close().sync();
            return "rtt_p50_us=" + rtts.get(rtts.size() / 2) / 1000 + " rtt_p99_us=" + rtts.get(rtts.size() * 99 / 100) / 1000
                    + " rate_msgs_s=" + rate[0] + " rate_received=" + rate[1] + "/20000"
                    + " bulk_mb_s=" + String.format("%.1f", bulk[2] / 1e6 / (bulk[3] / 1e9))
                    + " bulk_received=" + bulk[1] + "/" + bulkMessages;
        } finally {
            server.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            client.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static long[] stream(Channel ch, AtomicReference<CompletableFuture<ByteBuf>> answer, int size, int messages)
            throws Exception {
        Semaphore window = new Semaphore(WINDOW);
        long start = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            window.acquire();
            ch.writeAndFlush(ch.alloc().buffer(size + 1).writeByte(DATA).writeZero(size))
                    .addListener(f -> window.release());
        }
        window.acquire(WINDOW);
        CompletableFuture<ByteBuf> report = new CompletableFuture<>();
        answer.set(report);
        ch.writeAndFlush(ch.alloc().buffer(1).writeByte(DONE));
        ByteBuf r = report.get(30, TimeUnit.SECONDS);
        long count = r.getLong(1);
        long bytes = r.getLong(9);
        r.release();
        long elapsed = System.nanoTime() - start;
        return new long[] {Math.round(count / (elapsed / 1e9)), count, bytes, elapsed};
    }
}
