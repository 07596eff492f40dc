package org.sovereignmesh.transport.netty.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import io.netty.util.NetUtil;
import org.sovereignmesh.api.transport.MeshAddress;

/**
 * Maps between multiaddr-style {@link MeshAddress}es ({@code /ip4/10.0.0.2/tcp/4001}, {@code /ip6/::1/udp/4001/quic-v1},
 * {@code /dns/example.org/tcp/443/ws}) and socket addresses. One place for every internet transport.
 */
public final class NettyAddresses {
    /** Address protocols naming a host. */
    public static final Set<String> HOST_PROTOCOLS = Set.of("ip4", "ip6", "dns", "dns4", "dns6");

    private NettyAddresses() {
    }

    /**
     * @param shape the protocols after the host, for example {@code ["tcp", "ws"]}
     * @return whether {@code address}, without any {@code /p2p/} part, is a host followed by exactly {@code shape}
     */
    public static boolean matches(MeshAddress address, List<String> shape) {
        List<String> protocols = address.withoutPeer().protocols();
        return protocols.size() == shape.size() + 1 && HOST_PROTOCOLS.contains(protocols.get(0))
                && protocols.subList(1, protocols.size()).equals(shape);
    }

    /**
     * @param portProtocol {@code tcp} or {@code udp}
     * @return the socket address; {@code /dns*} hosts stay unresolved (resolved when connecting)
     * @throws IllegalArgumentException saying what is wrong (an ip4 value that is no IPv4 literal, a bad port...)
     */
    public static InetSocketAddress toSocketAddress(MeshAddress address, String portProtocol) {
        MeshAddress medium = address.withoutPeer();
        String hostProtocol = medium.firstProtocol();
        String host = medium.value(hostProtocol).orElseThrow(
                () -> new IllegalArgumentException("no host in " + address));
        String portText = medium.value(portProtocol).orElseThrow(
                () -> new IllegalArgumentException("no /" + portProtocol + "/<port> in " + address));
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port '" + portText + "' is not a number in " + address);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range in " + address);
        }
        switch (hostProtocol) {
            case "ip4":
                if (!NetUtil.isValidIpV4Address(host)) {
                    throw new IllegalArgumentException("'" + host + "' is not an IPv4 address in " + address);
                }
                return new InetSocketAddress(literal(host), port);
            case "ip6":
                if (!NetUtil.isValidIpV6Address(host)) {
                    throw new IllegalArgumentException("'" + host + "' is not an IPv6 address in " + address);
                }
                return new InetSocketAddress(literal(host), port);
            case "dns":
            case "dns4":
            case "dns6":
                return InetSocketAddress.createUnresolved(host, port);
            default:
                throw new IllegalArgumentException("no host protocol (ip4, ip6, dns) at the start of " + address);
        }
    }

    /** Parses a host setting: an IP literal, or a name resolved now (settings are read once, at activation). */
    public static InetAddress host(String text) throws UnknownHostException {
        if (NetUtil.isValidIpV4Address(text) || NetUtil.isValidIpV6Address(text)) {
            return literal(text);
        }
        return InetAddress.getByName(text);
    }

    /** @return {@code /ip4/<a>/<portProtocol>/<port>/<suffix...>} (or ip6) for a resolved socket address */
    public static MeshAddress toMeshAddress(InetSocketAddress socket, String portProtocol, List<String> suffix) {
        InetAddress ip = socket.getAddress();
        if (ip == null) {
            throw new IllegalArgumentException("unresolved socket address " + socket);
        }
        MeshAddress address;
        if (ip instanceof Inet4Address) {
            address = MeshAddress.of("ip4", ip.getHostAddress());
        } else {
            // scope ids (fe80::1%eth0) mean nothing to another node; compressed form without them
            address = MeshAddress.of("ip6", NetUtil.toAddressString(withoutScope(ip)));
        }
        address = address.with(portProtocol, Integer.toString(socket.getPort()));
        for (String protocol : suffix) {
            address = address.with(protocol, null);
        }
        return address;
    }

    /**
     * The addresses other nodes can use to reach a socket bound to {@code bound}: the bound address itself, or for a
     * wildcard bind every address of every interface that is up (global ones first, loopback last; IPv6 only when the
     * wildcard is IPv6; link-local ones are left out because they need a scope).
     */
    public static List<MeshAddress> listenAddresses(InetSocketAddress bound, String portProtocol, List<String> suffix) {
        InetAddress ip = bound.getAddress();
        if (ip == null || !ip.isAnyLocalAddress()) {
            return List.of(toMeshAddress(bound, portProtocol, suffix));
        }
        boolean includeIpv6 = ip instanceof Inet6Address;
        List<MeshAddress> global = new ArrayList<>();
        List<MeshAddress> loopback = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a.isLinkLocalAddress() || a instanceof Inet6Address && !includeIpv6) {
                        continue;
                    }
                    MeshAddress m = toMeshAddress(new InetSocketAddress(a, bound.getPort()), portProtocol, suffix);
                    (a.isLoopbackAddress() ? loopback : global).add(m);
                }
            }
        } catch (SocketException e) {
            // no interface list: the loopback address is still right
        }
        if (global.isEmpty() && loopback.isEmpty()) {
            loopback.add(toMeshAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), bound.getPort()),
                    portProtocol, suffix));
        }
        Collections.sort(global, (x, y) -> x.toString().compareTo(y.toString()));
        Collections.sort(loopback, (x, y) -> x.toString().compareTo(y.toString()));
        global.addAll(loopback);
        return List.copyOf(global);
    }

    /** @return the remote end of a connection as a mesh address, for link descriptions */
    public static MeshAddress remote(java.net.SocketAddress socket, String portProtocol, List<String> suffix) {
        if (socket instanceof InetSocketAddress && ((InetSocketAddress) socket).getAddress() != null) {
            return toMeshAddress((InetSocketAddress) socket, portProtocol, suffix);
        }
        throw new IllegalArgumentException("not an IP socket address: " + socket);
    }

    private static InetAddress literal(String text) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("invalid IP address '" + text + "'", e);
        }
    }

    private static InetAddress withoutScope(InetAddress ip) {
        if (ip instanceof Inet6Address && ((Inet6Address) ip).getScopeId() != 0) {
            try {
                return InetAddress.getByAddress(ip.getAddress());
            } catch (UnknownHostException e) {
                return ip;
            }
        }
        return ip;
    }
}
