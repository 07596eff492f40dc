package org.sovereignmesh.transport.lora.internal;

/** RNode KISS command bytes (RNode_Firmware Framing.h); the test compares them with the published table. */
final class RNode {
    static final int CMD_DATA = 0x00;
    static final int CMD_FREQUENCY = 0x01;
    static final int CMD_BANDWIDTH = 0x02;
    static final int CMD_TXPOWER = 0x03;
    static final int CMD_SF = 0x04;
    static final int CMD_CR = 0x05;
    static final int CMD_RADIO_STATE = 0x06;
    static final int CMD_DETECT = 0x08;
    static final int CMD_READY = 0x0F;
    static final int CMD_STAT_RSSI = 0x23;
    static final int CMD_STAT_SNR = 0x24;
    static final int CMD_FW_VERSION = 0x50;
    static final int CMD_ERROR = 0x90;
    static final int DETECT_REQ = 0x73;
    static final int DETECT_RESP = 0x46;
    static final int RADIO_STATE_OFF = 0x00;
    static final int RADIO_STATE_ON = 0x01;
    static final int ERROR_INITRADIO = 0x01;
    static final int ERROR_TXFAILED = 0x02;
    static final int ERROR_QUEUE_FULL = 0x04;
    /** RSSI bytes are reported with this offset: dBm = byte - 157. */
    static final int RSSI_OFFSET = 157;

    private RNode() {
    }

    static byte[] uint32(long value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    static long uint32(byte[] data) {
        if (data.length != 4) {
            return -1;
        }
        return (data[0] & 0xFFL) << 24 | (data[1] & 0xFFL) << 16 | (data[2] & 0xFFL) << 8 | data[3] & 0xFFL;
    }

    static String errorText(int code) {
        switch (code) {
            case ERROR_INITRADIO:
                return "radio initialisation failed";
            case ERROR_TXFAILED:
                return "transmission failed";
            case ERROR_QUEUE_FULL:
                return "modem queue full";
            default:
                return "error 0x" + Integer.toHexString(code);
        }
    }
}
