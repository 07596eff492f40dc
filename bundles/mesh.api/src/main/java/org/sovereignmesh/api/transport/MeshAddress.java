package org.sovereignmesh.api.transport;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.sovereignmesh.api.PeerId;

/**
 * A self-describing address in multiaddr text form: a path of protocol components, each with a value unless the
 * protocol takes none. Examples: {@code /ip4/127.0.0.1/tcp/4001}, {@code /ip6/::1/udp/4001/quic-v1},
 * {@code /dns/example.org/tcp/443/wss}, {@code /lora/868.1/sf/9}, {@code /loopback/node-a}, and with the expected
 * identity of the node behind it: {@code /ip4/10.0.0.2/tcp/4001/p2p/z6Mk...}.
 *
 * <p>Protocol names are lower-case {@code [a-z0-9.-]}. Every protocol takes exactly one value except those in
 * {@link #VALUELESS_PROTOCOLS}. Characters {@code '/'}, {@code '%'} and white space inside a value are
 * percent-encoded in the text form ({@code /fs/%2Fmedia%2Fusb}). Immutable.
 */
public final class MeshAddress {
    /** Protocols that stand alone, without a value. */
    public static final Set<String> VALUELESS_PROTOCOLS = Set.of("ws", "wss", "tls", "quic", "quic-v1", "http",
            "https", "noise", "p2p-circuit", "webtransport", "webrtc", "broadcast");
    /** The component that names the identity expected behind an address. */
    public static final String PEER_PROTOCOL = "p2p";
    /** Longest accepted text form. */
    public static final int MAX_LENGTH = 1024;

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static final Pattern PROTOCOL_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{0,31}");

    private final List<Component> components;
    private final String text;

    private MeshAddress(List<Component> components) {
        if (components.isEmpty()) {
            throw new IllegalArgumentException("an address needs at least one component");
        }
        this.components = Collections.unmodifiableList(components);
        StringBuilder sb = new StringBuilder();
        for (Component c : components) {
            sb.append('/').append(c.protocol);
            if (c.value != null) {
                sb.append('/').append(encode(c.value));
            }
        }
        this.text = sb.toString();
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("address longer than " + MAX_LENGTH + " characters");
        }
    }

    /**
     * @throws IllegalArgumentException saying which component is wrong
     */
    public static MeshAddress parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("address is empty");
        }
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("address longer than " + MAX_LENGTH + " characters");
        }
        if (text.charAt(0) != '/') {
            throw new IllegalArgumentException("address must start with '/': " + text);
        }
        String[] parts = text.substring(1).split("/", -1);
        List<Component> components = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            String protocol = parts[i];
            requireProtocolName(protocol, text);
            if (VALUELESS_PROTOCOLS.contains(protocol)) {
                components.add(new Component(protocol, null));
                continue;
            }
            if (i + 1 >= parts.length || parts[i + 1].isEmpty()) {
                throw new IllegalArgumentException("protocol '" + protocol + "' needs a value in " + text);
            }
            components.add(new Component(protocol, decode(parts[++i], text)));
        }
        return new MeshAddress(components);
    }

    /** @return a one-component address such as {@code /loopback/a}, or {@code /ws} when value is null */
    public static MeshAddress of(String protocol, String value) {
        return new MeshAddress(List.of(component(protocol, value)));
    }

    /** @return this address followed by one more component */
    public MeshAddress with(String protocol, String value) {
        List<Component> list = new ArrayList<>(components);
        list.add(component(protocol, value));
        return new MeshAddress(list);
    }

    /** @return this address ending in {@code /p2p/<peer>}, replacing any peer component already there */
    public MeshAddress withPeer(PeerId peer) {
        return withoutPeer().with(PEER_PROTOCOL, peer.toString());
    }

    /** @return this address without its {@code /p2p/...} components (the medium part only) */
    public MeshAddress withoutPeer() {
        List<Component> list = new ArrayList<>();
        for (Component c : components) {
            if (!PEER_PROTOCOL.equals(c.protocol)) {
                list.add(c);
            }
        }
        return list.size() == components.size() ? this : new MeshAddress(list);
    }

    /**
     * @return the identity expected behind this address, if it names one
     * @throws IllegalArgumentException if the {@code /p2p/} value is not a valid peer id
     */
    public Optional<PeerId> peer() {
        return value(PEER_PROTOCOL).map(PeerId::parse);
    }

    /** @return the protocols in order, for example {@code [ip4, tcp]} */
    public List<String> protocols() {
        List<String> list = new ArrayList<>(components.size());
        for (Component c : components) {
            list.add(c.protocol);
        }
        return list;
    }

    /** @return whether a component uses {@code protocol} */
    public boolean has(String protocol) {
        return components.stream().anyMatch(c -> c.protocol.equals(protocol));
    }

    /** @return the value of the first component with {@code protocol}, empty if absent or valueless */
    public Optional<String> value(String protocol) {
        for (Component c : components) {
            if (c.protocol.equals(protocol)) {
                return Optional.ofNullable(c.value);
            }
        }
        return Optional.empty();
    }

    /** @return the protocol of the first component, for example {@code ip4} or {@code lora} */
    public String firstProtocol() {
        return components.get(0).protocol;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MeshAddress && text.equals(((MeshAddress) o).text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** @return the canonical text form; {@code parse(toString())} gives an equal address */
    @Override
    public String toString() {
        return text;
    }

    private static Component component(String protocol, String value) {
        requireProtocolName(protocol, protocol);
        boolean valueless = VALUELESS_PROTOCOLS.contains(protocol);
        if (valueless && value != null) {
            throw new IllegalArgumentException("protocol '" + protocol + "' takes no value");
        }
        if (!valueless && (value == null || value.isEmpty())) {
            throw new IllegalArgumentException("protocol '" + protocol + "' needs a value");
        }
        return new Component(protocol, value);
    }

    private static void requireProtocolName(String protocol, String context) {
        if (protocol == null || !PROTOCOL_NAME.matcher(protocol).matches()) {
            throw new IllegalArgumentException("invalid protocol name '" + protocol + "' in " + context
                    + ": 1-32 characters [a-z0-9.-]");
        }
    }

    /** Percent-encodes what would break the text form: '/', '%', white space and control characters. */
    private static String encode(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        value.codePoints().forEach(cp -> {
            if (cp == '/' || cp == '%' || Character.isWhitespace(cp) || Character.isISOControl(cp)) {
                for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    sb.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
                }
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }

    private static String decode(String encoded, String context) {
        if (encoded.indexOf('%') < 0) {
            return encoded;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length());
        int i = 0;
        while (i < encoded.length()) {
            int cp = encoded.codePointAt(i);
            if (cp != '%') {
                byte[] bytes = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
                i += Character.charCount(cp);
                continue;
            }
            if (i + 2 >= encoded.length()) {
                throw new IllegalArgumentException("truncated percent-escape in " + context);
            }
            int hi = Character.digit(encoded.charAt(i + 1), 16);
            int lo = Character.digit(encoded.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("invalid percent-escape '" + encoded.substring(i, i + 3) + "' in "
                        + context);
            }
            out.write((hi << 4) | lo);
            i += 3;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static final class Component {
        final String protocol;
        final String value;

        Component(String protocol, String value) {
            this.protocol = protocol;
            this.value = value;
        }
    }
}
