package org.sovereignmesh.shell.internal;

import java.time.Duration;

/** Short human-readable durations for command output: {@code 850ms}, {@code 42s}, {@code 5m12s}, {@code 3d4h}. */
final class Durations {
    private Durations() {
    }

    static String human(long millis) {
        if (millis < 1000) {
            return millis + "ms";
        }
        long seconds = millis / 1000;
        if (seconds < 60) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 60) {
            return minutes + "m" + (seconds % 60 == 0 ? "" : seconds % 60 + "s");
        }
        long hours = minutes / 60;
        if (hours < 24) {
            return hours + "h" + (minutes % 60 == 0 ? "" : minutes % 60 + "m");
        }
        long days = hours / 24;
        return days + "d" + (hours % 24 == 0 ? "" : hours % 24 + "h");
    }

    /**
     * Parses {@code 850ms}, {@code 90s}, {@code 30m}, {@code 12h}, {@code 7d}, or an ISO-8601 duration such as
     * {@code PT1H30M}.
     */
    static Duration parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long amount = Long.parseLong(t.substring(0, t.length() - 1));
            switch (t.charAt(t.length() - 1)) {
                case 's':
                    return Duration.ofSeconds(amount);
                case 'm':
                    return Duration.ofMinutes(amount);
                case 'h':
                    return Duration.ofHours(amount);
                case 'd':
                    return Duration.ofDays(amount);
                default:
                    break;
            }
        } catch (RuntimeException e) {
            // fall through to the explanation
        }
        throw new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 90s, 30m, 12h, 7d or PT1H30M)");
    }
}
