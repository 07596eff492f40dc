package org.sovereignmesh.transport.sim.internal;

import org.sovereignmesh.transport.sim.AirtimeModel;
import org.sovereignmesh.transport.sim.StationSpec;
import org.sovereignmesh.transport.tck.TransportFixture;
import org.sovereignmesh.transport.tck.TransportTck;

/** Three stations in range of each other on a loss-free medium at 9600 bit/s pass the conformance kit. */
class SimRadioTransportTckTest extends TransportTck {

    @Override
    protected TransportFixture createFixture() {
        return new TransportFixture() {
            private SimMedium medium;

            @Override
            public SimRadioTransport create(int index, org.sovereignmesh.time.VirtualScheduler clock) {
                if (medium == null) {
                    medium = new SimMedium("tck", clock, 0, 1);
                }
                StationSpec spec = new StationSpec("st" + index, index * 10.0, 0, 1000, AirtimeModel.ofBitrate(9600), 1.0);
                return SimRadioTransport.on(medium, "sim-" + index, spec, 255, 32);
            }
        };
    }
}
