package org.sovereignmesh.serial;

import java.io.IOException;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** Opens serial ports. Registered as an OSGi service; thread-safe. */
@ProviderType
public interface SerialPorts {

    /** @return the system names of the ports present now, for example {@code /dev/ttyUSB0} */
    List<String> available();

    /**
     * Opens {@code portName} at {@code baudRate}, 8 data bits, no parity, one stop bit, no flow control.
     *
     * @throws IOException saying why the port cannot be opened (absent, busy, no permission)
     */
    SerialLine open(String portName, int baudRate, SerialListener listener) throws IOException;
}
