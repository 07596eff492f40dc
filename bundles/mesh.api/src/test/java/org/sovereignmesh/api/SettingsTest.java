package org.sovereignmesh.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SettingsTest {
    private static final Map<String, String> FRAMEWORK = Map.of(
            "mesh.tcp.port", " 4101 ",
            "mesh.tcp.host", "127.0.0.1",
            "mesh.tcp.enabled", "FALSE",
            "mesh.tcp.idleTimeoutSeconds", "0.25",
            "mesh.tcp.blank", "  ",
            "mesh.udp.port", "9");

    private static Settings settings(Map<String, ?> configuration) {
        return Settings.of(configuration, FRAMEWORK::get, "mesh.tcp.");
    }

    @Test
    void theConfigurationWinsOverTheFrameworkPropertyWhichWinsOverTheDefault() {
        Settings s = settings(Map.of("port", 4200, "mtu", "   "));
        assertEquals(4200, s.integer("port", 1));
        assertEquals("127.0.0.1", s.text("host", "0.0.0.0"));
        assertFalse(s.bool("enabled", true));
        assertEquals(Duration.ofMillis(250), s.seconds("idleTimeoutSeconds", Duration.ofMinutes(1)));
        assertEquals(65536, s.integer("mtu", 65536), "a blank configured value counts as unset");
        assertNull(s.text("blank"), "a blank framework property counts as unset");
        assertEquals(4101, settings(Map.of()).integer("port", 1), "trimmed, and only under this prefix");
        assertEquals(2.5, settings(Map.of("ratio", 2.5)).number("ratio", 0));
    }

    @Test
    void multiValuedAttributesAndListsSplitOnCommasAndWhitespace() {
        assertEquals(List.of("lo", "eth0"), settings(Map.of("interfaces", new String[] {"lo", "eth0"})).list("interfaces"));
        assertEquals(List.of("a", "b", "c"), settings(Map.of("seeds", List.of("a", "b , c"))).list("seeds"));
        assertEquals(List.of("a", "b"), settings(Map.of("seeds", " a,\n b ,")).list("seeds"));
        assertTrue(settings(Map.of()).list("seeds").isEmpty());
    }

    @Test
    void aValueThatDoesNotParseNamesItsKeyAndValue() {
        Settings s = settings(Map.of("port", "eighty", "enabled", "yes", "idle", "-1", "ratio", "NaN"));
        assertEquals("port must be a whole number, got 'eighty'",
                assertThrows(IllegalArgumentException.class, () -> s.integer("port", 0)).getMessage());
        assertEquals("enabled must be true or false, got 'yes'",
                assertThrows(IllegalArgumentException.class, () -> s.bool("enabled", true)).getMessage());
        assertEquals("idle must be a positive number of seconds, got '-1'",
                assertThrows(IllegalArgumentException.class, () -> s.seconds("idle", Duration.ZERO)).getMessage());
        assertEquals("ratio must be a number, got 'NaN'",
                assertThrows(IllegalArgumentException.class, () -> s.number("ratio", 0)).getMessage());
    }
}
