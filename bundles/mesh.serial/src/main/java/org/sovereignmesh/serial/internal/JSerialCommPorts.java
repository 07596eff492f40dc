package org.sovereignmesh.serial.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.sovereignmesh.serial.SerialLine;
import org.sovereignmesh.serial.SerialListener;
import org.sovereignmesh.serial.SerialPorts;

import com.fazecast.jSerialComm.SerialPort;

/** {@link SerialPorts} on jSerialComm. Works with USB serial adapters, on-board UARTs and pseudo-terminals. */
@Component(service = SerialPorts.class)
public final class JSerialCommPorts implements SerialPorts {

    @Override
    public List<String> available() {
        List<String> names = new ArrayList<>();
        for (SerialPort port : SerialPort.getCommPorts()) {
            names.add(port.getSystemPortPath());
        }
        return names;
    }

    @Override
    public SerialLine open(String portName, int baudRate, SerialListener listener) throws IOException {
        if (portName == null || portName.isBlank()) {
            throw new IOException("no serial port named");
        }
        if (baudRate <= 0) {
            throw new IOException("baud rate must be positive, got " + baudRate);
        }
        SerialPort port;
        try {
            port = SerialPort.getCommPort(portName);
        } catch (RuntimeException e) {
            throw new IOException("serial port " + portName + " does not exist: " + e.getMessage(), e);
        } catch (LinkageError e) {
            // jSerialComm unpacks a native library for this platform on first use; without one there are no ports
            throw new IOException("serial ports are not available on this platform: " + e, e);
        }
        port.setComPortParameters(baudRate, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
        port.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING | SerialPort.TIMEOUT_WRITE_BLOCKING,
                JSerialCommLine.READ_POLL_MILLIS, 0);
        if (!port.openPort()) {
            throw new IOException("cannot open serial port " + portName + " (error " + port.getLastErrorCode()
                    + " at " + port.getLastErrorLocation() + "): absent, busy or no permission");
        }
        return new JSerialCommLine(port, portName, listener);
    }
}
