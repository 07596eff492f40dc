package org.sovereignmesh.transport.satellite.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Iridium gateway (GSS) as the scripted modems see it: MO messages from a modem go to its configured
 * destination (another modem's MT queue, as with device-to-device routing, or a ground station that records them);
 * a modem with queued MT messages gets a ring alert. Thread-safe.
 */
final class SimulatedGateway {
    private final Map<String, ScriptedSbdModem> modems = new HashMap<>();
    private final Map<String, String> routes = new HashMap<>();
    private final Map<String, ArrayDeque<byte[]>> mt = new HashMap<>();
    final List<byte[]> groundStation = new ArrayList<>();

    synchronized void register(ScriptedSbdModem modem) {
        modems.put(modem.imei, modem);
    }

    /** MO messages from {@code from} go to modem {@code to}, or to the ground station when {@code to} is null. */
    synchronized void route(String from, String to) {
        routes.put(from, to);
    }

    synchronized void acceptMo(String from, byte[] message) {
        String to = routes.get(from);
        if (to == null) {
            groundStation.add(message);
            return;
        }
        queueMt(to, message);
    }

    void queueMt(String to, byte[] message) {
        ScriptedSbdModem target;
        synchronized (this) {
            mt.computeIfAbsent(to, k -> new ArrayDeque<>()).addLast(message);
            target = modems.get(to);
        }
        if (target != null) {
            target.mtArrived();
        }
    }

    synchronized byte[] nextMt(String imei) {
        ArrayDeque<byte[]> q = mt.get(imei);
        return q == null ? null : q.pollFirst();
    }

    synchronized int queuedMt(String imei) {
        ArrayDeque<byte[]> q = mt.get(imei);
        return q == null ? 0 : q.size();
    }
}
