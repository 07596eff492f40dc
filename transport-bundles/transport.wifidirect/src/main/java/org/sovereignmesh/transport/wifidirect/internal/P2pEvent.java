package org.sovereignmesh.transport.wifidirect.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One wpa_supplicant event line, split as wpa_supplicant writes them (src/p2p, wpa_supplicant/p2p_supplicant.c):
 * a name, positional words, then {@code key=value} pairs whose values may be double- or single-quoted
 * ({@code name='phone'}, {@code ssid="DIRECT-ab"}):
 *
 * <pre>
 * P2P-DEVICE-FOUND 02:11:22:33:44:55 p2p_dev_addr=02:11:22:33:44:55 pri_dev_type=1-0050F204-1 name='n' ...
 * P2P-DEVICE-LOST p2p_dev_addr=02:11:22:33:44:55
 * P2P-GROUP-STARTED p2p-wlan0-0 GO ssid="DIRECT-xy" freq=2437 passphrase="..." go_dev_addr=02:...
 * P2P-GROUP-STARTED p2p-wlan0-0 client ssid="DIRECT-xy" freq=2437 psk=... go_dev_addr=02:... [PERSISTENT]
 *                   ip_addr=192.168.49.10 ip_mask=255.255.255.0 go_ip_addr=192.168.49.1
 * P2P-GROUP-REMOVED p2p-wlan0-0 GO reason=REQUESTED
 * P2P-GO-NEG-FAILURE status=1
 * P2P-GROUP-FORMATION-FAILURE
 * </pre>
 *
 * Malformed quoting ends the value at the end of the line; nothing here throws on odd input.
 */
record P2pEvent(String name, List<String> words, Map<String, String> values) {
    static final int MAX_LINE = WpaControl.MAX_DATAGRAM;

    static P2pEvent parse(String line) {
        String text = line.length() > MAX_LINE ? line.substring(0, MAX_LINE) : line;
        List<String> tokens = tokens(text.strip());
        String name = tokens.isEmpty() ? "" : tokens.get(0);
        List<String> words = new ArrayList<>();
        Map<String, String> values = new HashMap<>();
        for (int i = 1; i < tokens.size(); i++) {
            String t = tokens.get(i);
            int eq = t.indexOf('=');
            if (eq > 0) {
                values.put(t.substring(0, eq), unquote(t.substring(eq + 1)));
            } else {
                words.add(t);
            }
        }
        return new P2pEvent(name, List.copyOf(words), Map.copyOf(values));
    }

    String value(String key) {
        return values.get(key);
    }

    String word(int index) {
        return index < words.size() ? words.get(index) : null;
    }

    private static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                current.append(c);
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                current.append(c);
            } else if (c == ' ' || c == '\t') {
                if (current.length() > 0) {
                    out.add(current.toString());
                    current.setLength(0);
                }
            } else {
                current.append(c);
            }
        }
        if (current.length() > 0) {
            out.add(current.toString());
        }
        return out;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0)) {
            return v.substring(1, v.length() - 1);
        }
        if (!v.isEmpty() && (v.charAt(0) == '"' || v.charAt(0) == '\'')) {
            return v.substring(1);
        }
        return v;
    }
}
