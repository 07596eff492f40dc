package org.sovereignmesh.transport.wifidirect.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;

/**
 * A scripted wpa_supplicant: a UNIX datagram socket at {@code <dir>/<iface>} that answers control-interface commands
 * the way wpa_supplicant 2.10 does (ctrl_iface.c, p2p_supplicant.c: {@code PONG}, {@code OK}, {@code FAIL},
 * {@code UNKNOWN COMMAND}, {@code STATUS} as {@code key=value} lines) and sends events, prefixed {@code <3>}, to every
 * attached client. Group formation is scripted: {@code P2P_GROUP_ADD} starts a group as owner on {@code groupIface};
 * {@code P2P_CONNECT} succeeds as client of the peer (with wpa_supplicant's IP allocation fields) when
 * {@link #joinAsClient} named an owner address, else fails formation.
 */
final class FakeWpaSupplicant implements AutoCloseable {
    final Path socket;
    final String device;
    final List<String> commands = new CopyOnWriteArrayList<>();
    private final Set<DomainSocketAddress> attached = ConcurrentHashMap.newKeySet();
    private final EventLoopGroup group;
    private final Channel channel;
    private final String groupIface;
    private volatile String clientIp;
    private volatile String ownerIp;
    private volatile boolean silent;

    FakeWpaSupplicant(Path dir, String iface, String device, String groupIface) throws Exception {
        Files.createDirectories(dir);
        this.socket = dir.resolve(iface);
        Files.deleteIfExists(socket);
        this.device = device;
        this.groupIface = groupIface;
        this.group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        this.channel = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
                        command(p.content().toString(StandardCharsets.UTF_8), p.sender());
                    }
                }).bind(new DomainSocketAddress(socket.toFile())).sync().channel();
    }

    /** P2P_CONNECT then forms a group as client of the peer, reporting these addresses. */
    void joinAsClient(String myIp, String goIp) {
        this.clientIp = myIp;
        this.ownerIp = goIp;
    }

    /** Stops answering (a hung supplicant). */
    void silence() {
        silent = true;
    }

    private void command(String text, DomainSocketAddress from) {
        commands.add(text);
        if (silent) {
            return;
        }
        String[] words = text.strip().split(" ");
        switch (words[0]) {
            case "PING" -> reply(from, "PONG\n");
            case "ATTACH" -> {
                attached.add(from);
                reply(from, "OK\n");
            }
            case "DETACH" -> {
                attached.remove(from);
                reply(from, "OK\n");
            }
            case "STATUS" -> reply(from, "wpa_state=DISCONNECTED\np2p_device_address=" + device + "\naddress="
                    + device + "\nuuid=12345678-9abc-def0-1234-56789abcdef0\n");
            case "P2P_FIND", "P2P_STOP_FIND" -> reply(from, "OK\n");
            case "P2P_GROUP_ADD" -> {
                reply(from, "OK\n");
                event("P2P-GROUP-STARTED " + groupIface + " GO ssid=\"DIRECT-mesh\" freq=2437 passphrase=\"aBcD1234\" "
                        + "go_dev_addr=" + device);
            }
            case "P2P_GROUP_REMOVE" -> {
                reply(from, words.length > 1 && words[1].equals(groupIface) ? "OK\n" : "FAIL\n");
                event("P2P-GROUP-REMOVED " + groupIface + " GO reason=REQUESTED");
            }
            case "P2P_CONNECT" -> {
                if (words.length < 3) {
                    reply(from, "FAIL\n");
                    return;
                }
                reply(from, "OK\n");
                if (clientIp != null) {
                    event("P2P-GO-NEG-SUCCESS role=client freq=2437 ht40=0 peer_dev=" + words[1] + " peer_iface="
                            + words[1] + " wps_method=PBC");
                    event("P2P-GROUP-STARTED " + groupIface + " client ssid=\"DIRECT-mesh\" freq=2437 "
                            + "psk=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef go_dev_addr="
                            + words[1] + " ip_addr=" + clientIp + " ip_mask=255.0.0.0 go_ip_addr=" + ownerIp);
                } else {
                    event("P2P-GO-NEG-FAILURE status=1");
                }
            }
            default -> reply(from, "UNKNOWN COMMAND\n");
        }
    }

    /** Sends {@code event} to every attached client, as wpa_supplicant does (priority 3, MSG_INFO). */
    void event(String event) {
        for (DomainSocketAddress client : attached) {
            channel.writeAndFlush(new DomainDatagramPacket(Unpooled.copiedBuffer("<3>" + event,
                    StandardCharsets.UTF_8), client));
        }
    }

    boolean hasAttachedClients() {
        return !attached.isEmpty();
    }

    private void reply(DomainSocketAddress to, String text) {
        channel.writeAndFlush(new DomainDatagramPacket(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8), to));
    }

    @Override
    public void close() throws Exception {
        channel.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        Files.deleteIfExists(socket);
    }
}
