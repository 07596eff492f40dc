package org.sovereignmesh.transport.lora.internal;

import org.sovereignmesh.api.transport.Transport;
import org.sovereignmesh.time.VirtualScheduler;
import org.sovereignmesh.transport.sim.internal.SimMedium;
import org.sovereignmesh.transport.tck.TransportFixture;
import org.sovereignmesh.transport.tck.TransportTck;

/** The LoRa transport straight on the simulated channel (the simulator's set-up) at EU 868 defaults, 1 % duty. */
class LoRaOnSimTckTest extends TransportTck {

    @Override
    protected TransportFixture createFixture() {
        return new TransportFixture() {
            private SimMedium medium;

            @Override
            public Transport create(int index, VirtualScheduler clock) {
                if (medium == null) {
                    medium = new SimMedium("eu868", clock, 0, 1);
                }
                LoRaSettings settings = LoRaSettings.eu868();
                return LoRaTransport.onSimulatedMedium("lora-" + index, settings, medium, "node" + index, index * 50.0, 0,
                        2000);
            }
        };
    }
}
