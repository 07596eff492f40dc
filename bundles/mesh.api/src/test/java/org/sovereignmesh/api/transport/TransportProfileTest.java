package org.sovereignmesh.api.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class TransportProfileTest {

    @Test
    void describesALoraChannel() {
        TransportProfile lora = TransportProfile.builder().duplex(false).broadcast(true).lossy(true).mtu(255)
                .bitrate(1760).latency(Duration.ofMillis(200)).dutyCycle(0.01).build();
        assertFalse(lora.duplex());
        assertEquals(255, lora.mtu());
        assertEquals(0.01, lora.dutyCycle());
        assertEquals(lora, lora.toBuilder().build());
        assertEquals("simplex broadcast lossy mtu=255 bitrate=1760bit/s latency=200ms cost=0 duty=0.01", lora.toString());
    }

    @Test
    void rejectsImpossibleNumbers() {
        assertThrows(IllegalArgumentException.class, () -> TransportProfile.builder().mtu(TransportProfile.MIN_MTU - 1));
        assertThrows(IllegalArgumentException.class, () -> TransportProfile.builder().bitrate(0));
        assertThrows(IllegalArgumentException.class, () -> TransportProfile.builder().latency(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> TransportProfile.builder().cost(-1));
        assertThrows(IllegalArgumentException.class, () -> TransportProfile.builder().dutyCycle(0));
        assertThrows(IllegalArgumentException.class, () -> TransportProfile.builder().dutyCycle(1.5));
        assertThrows(IllegalArgumentException.class, () -> TransportProfile.builder().dutyCycle(Double.NaN));
    }
}
