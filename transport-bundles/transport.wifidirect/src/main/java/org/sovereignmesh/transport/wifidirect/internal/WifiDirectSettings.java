package org.sovereignmesh.transport.wifidirect.internal;

import java.nio.file.Path;
import java.time.Duration;

import org.sovereignmesh.transport.netty.internal.TransportSettings;

/**
 * A Wi-Fi Direct transport's settings. Immutable.
 *
 * @param controlDir      wpa_supplicant's {@code ctrl_interface} directory ({@code /var/run/wpa_supplicant})
 * @param controlIface    the interface whose control socket to use: the P2P device ({@code p2p-dev-wlan0}) or the
 *                        Wi-Fi interface ({@code wlan0}), as wpa_supplicant names it
 * @param clientDir       where this node binds its own control socket
 * @param autonomousGroup form a group of its own at start ({@code P2P_GROUP_ADD}), so peers can join it
 * @param goIntent        group-owner intent for {@code P2P_CONNECT} (0: rather client, 15: rather owner)
 * @param findInterval    how often a discovery round ({@code P2P_FIND}) starts; zero: once
 * @param dataPlane       the TCP data plane's settings (its host is replaced by the group interface's address)
 * @param groupInterface  the interface to run the data plane on regardless of the event's (tests: {@code lo}); empty
 *                        takes the group interface wpa_supplicant reports
 */
record WifiDirectSettings(Path controlDir, String controlIface, Path clientDir, boolean autonomousGroup, int goIntent,
        Duration findInterval, Duration replyTimeout, Duration setupTimeout, Duration retryInterval,
        TransportSettings dataPlane, String groupInterface) {
    static final int DEFAULT_PORT = 4004;

    WifiDirectSettings {
        if (goIntent < 0 || goIntent > 15) {
            throw new IllegalArgumentException("go_intent must be 0 to 15, got " + goIntent);
        }
        if (!controlIface.matches("[A-Za-z0-9._-]{1,32}")) {
            throw new IllegalArgumentException("not an interface name: '" + controlIface + "'");
        }
    }

    Path controlSocket() {
        return controlDir.resolve(controlIface);
    }
}
