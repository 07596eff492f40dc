package org.sovereignmesh.transport.netty.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class InboundGateTest {
    @Test
    void boundsPendingConnectionsPerSourceAndInTotal() throws Exception {
        InboundGate gate = new InboundGate(2, 3);
        InetAddress one = InetAddress.getByName("127.0.0.2");
        InetAddress two = InetAddress.getByName("127.0.0.3");
        InboundGate.Ticket a = gate.admit(one);
        assertNotNull(a);
        assertNotNull(gate.admit(one));
        assertNull(gate.admit(one), "third from the same source");
        assertTrue(gate.refusal(one).contains("limit 2 per source"), gate.refusal(one));
        assertNotNull(gate.admit(two));
        assertNull(gate.admit(InetAddress.getByName("127.0.0.4")), "total reached");
        assertTrue(gate.refusal(InetAddress.getByName("127.0.0.4")).contains("limit 3"));
        a.release();
        a.release(); // once only
        assertEquals(2, gate.pending());
        assertNotNull(gate.admit(InetAddress.getByName("127.0.0.4")));
    }
}
