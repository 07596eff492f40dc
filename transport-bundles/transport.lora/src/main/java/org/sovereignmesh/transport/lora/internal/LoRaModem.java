package org.sovereignmesh.transport.lora.internal;

import org.sovereignmesh.radio.Modem;

/** What a {@link LoRaTransport} needs from a radio: an RNode on a serial port, or a simulated one. */
interface LoRaModem extends Modem {
}
