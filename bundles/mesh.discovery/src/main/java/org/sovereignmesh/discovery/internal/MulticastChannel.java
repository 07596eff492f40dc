package org.sovereignmesh.discovery.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The LAN side of discovery: a UDP socket joined to the announcement group on the chosen interfaces. Sends each
 * announcement out of every interface (loopback included, so nodes on one machine find each other) with the
 * configured TTL, and hands what it receives to a {@link Receiver} from its own daemon thread.
 */
final class MulticastChannel implements Discovery.Announcer, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MulticastChannel.class.getName());

    /** Gets each datagram; called from the channel's thread. */
    interface Receiver {
        void received(InetAddress source, byte[] data, int length);
    }

    private final DatagramChannel channel;
    private final InetSocketAddress group;
    private final List<NetworkInterface> interfaces;
    private final Thread reader;

    private MulticastChannel(DatagramChannel channel, InetSocketAddress group, List<NetworkInterface> interfaces,
            Receiver receiver) {
        this.channel = channel;
        this.group = group;
        this.interfaces = interfaces;
        this.reader = new Thread(() -> read(receiver), "mesh-discovery-multicast");
        reader.setDaemon(true);
        reader.start();
    }

    static MulticastChannel open(DiscoverySettings settings, Receiver receiver) throws IOException {
        InetAddress groupAddress = InetAddress.getByName(settings.group);
        if (!(groupAddress instanceof Inet4Address) || !groupAddress.isMulticastAddress()) {
            throw new IOException(settings.group + " is not an IPv4 multicast group");
        }
        List<NetworkInterface> interfaces = interfaces(settings.interfaces);
        if (interfaces.isEmpty()) {
            throw new IOException("no usable interface among " + (settings.interfaces.isEmpty() ? "those that are up"
                    : settings.interfaces));
        }
        DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new InetSocketAddress(settings.port));
            channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, settings.ttl);
            channel.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
            List<NetworkInterface> joined = new ArrayList<>();
            for (NetworkInterface nif : interfaces) {
                try {
                    channel.join(groupAddress, nif);
                    joined.add(nif);
                } catch (IOException | UnsupportedOperationException e) {
                    LOG.log(Level.WARNING, "discovery cannot join {0} on {1}: {2}", settings.group, nif.getName(),
                            String.valueOf(e.getMessage()));
                }
            }
            if (joined.isEmpty()) {
                throw new IOException("could not join " + settings.group + " on any of " + names(interfaces));
            }
            LOG.log(Level.INFO, "discovery announces on {0}:{1} via {2}", settings.group,
                    Integer.toString(settings.port), names(joined));
            return new MulticastChannel(channel, new InetSocketAddress(groupAddress, settings.port), joined, receiver);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The named interfaces, or every up interface with an IPv4 address that does multicast, plus loopback. */
    static List<NetworkInterface> interfaces(List<String> names) throws IOException {
        List<NetworkInterface> result = new ArrayList<>();
        if (!names.isEmpty()) {
            for (String name : names) {
                NetworkInterface nif = NetworkInterface.getByName(name);
                if (nif == null) {
                    throw new IOException("no network interface named " + name);
                }
                result.add(nif);
            }
            return result;
        }
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            boolean ipv4 = Collections.list(nif.getInetAddresses()).stream().anyMatch(a -> a instanceof Inet4Address);
            if (nif.isUp() && ipv4 && (nif.isLoopback() || nif.supportsMulticast() && !nif.isPointToPoint())) {
                result.add(nif);
            }
        }
        return result;
    }

    private static String names(List<NetworkInterface> interfaces) {
        return interfaces.stream().map(NetworkInterface::getName).toList().toString();
    }

    @Override
    public void send(byte[] datagram) {
        synchronized (channel) {
            for (NetworkInterface nif : interfaces) {
                try {
                    channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
                    channel.send(ByteBuffer.wrap(datagram), group);
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "discovery could not announce on {0}: {1}", nif.getName(), e.getMessage());
                }
            }
        }
    }

    private void read(Receiver receiver) {
        ByteBuffer buffer = ByteBuffer.allocate(Announcement.MAX_SIZE + 1);
        while (channel.isOpen()) {
            try {
                buffer.clear();
                SocketAddress from = channel.receive(buffer);
                if (from instanceof InetSocketAddress) {
                    byte[] data = new byte[buffer.position()];
                    buffer.flip();
                    buffer.get(data);
                    receiver.received(((InetSocketAddress) from).getAddress(), data, data.length);
                }
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.DEBUG, "discovery receive failed: {0}", String.valueOf(e));
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
