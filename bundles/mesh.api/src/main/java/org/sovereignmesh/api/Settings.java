package org.sovereignmesh.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where a component's settings come from, in order: its ConfigAdmin configuration (the key as given), the framework
 * property {@code <prefix><key>} (so that {@code -Dmesh.tcp.port=0} works on a node without any configuration
 * file), the caller's default. Values are trimmed and a blank value counts as unset; arrays and collections (as
 * metatype delivers multi-valued attributes) are joined with commas. A value that does not parse fails with an
 * {@link IllegalArgumentException} naming the key and the value.
 *
 * <p>Immutable and thread-safe if the configuration map is not changed afterwards.
 */
public final class Settings {
    private final Map<String, ?> configuration;
    private final Function<String, String> frameworkProperty;
    private final String prefix;

    private Settings(Map<String, ?> configuration, Function<String, String> frameworkProperty, String prefix) {
        this.configuration = Objects.requireNonNull(configuration, "configuration");
        this.frameworkProperty = Objects.requireNonNull(frameworkProperty, "frameworkProperty");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    /**
     * @param configuration     the component's properties (ConfigAdmin values and component properties)
     * @param frameworkProperty framework properties, for example {@code BundleContext::getProperty}
     * @param prefix            what comes before the key in a framework property, for example {@code "mesh.tcp."}
     */
    public static Settings of(Map<String, ?> configuration, Function<String, String> frameworkProperty, String prefix) {
        return new Settings(configuration, frameworkProperty, prefix);
    }

    /** @return the value of {@code key}, or null if it is set nowhere */
    public String text(String key) {
        Object configured = configuration.get(key);
        if (configured instanceof String[] array) {
            configured = String.join(",", array);
        } else if (configured instanceof Collection<?> collection) {
            configured = String.join(",", collection.stream().map(String::valueOf).toList());
        }
        if (configured != null && !String.valueOf(configured).isBlank()) {
            return String.valueOf(configured).strip();
        }
        String property = frameworkProperty.apply(prefix + key);
        return property == null || property.isBlank() ? null : property.strip();
    }

    public String text(String key, String fallback) {
        String value = text(key);
        return value == null ? fallback : value;
    }

    /** @return the items of a comma- or whitespace-separated value, in order; empty if unset */
    public List<String> list(String key) {
        String value = text(key);
        List<String> items = new ArrayList<>();
        if (value != null) {
            for (String item : value.split("[,\\s]+")) {
                if (!item.isBlank()) {
                    items.add(item);
                }
            }
        }
        return List.copyOf(items);
    }

    /** @throws IllegalArgumentException unless the value is {@code true} or {@code false} (any case) */
    public boolean bool(String key, boolean fallback) {
        String value = text(key);
        if (value == null) {
            return fallback;
        }
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException(key + " must be true or false, got '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    /** @throws IllegalArgumentException unless the value is a whole number */
    public int integer(String key, int fallback) {
        String value = text(key);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + value + "'");
        }
    }

    /** @throws IllegalArgumentException unless the value is a finite number */
    public double number(String key, double fallback) {
        String value = text(key);
        if (value == null) {
            return fallback;
        }
        try {
            double number = Double.parseDouble(value);
            if (Double.isFinite(number)) {
                return number;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(key + " must be a number, got '" + value + "'");
    }

    /**
     * A duration given in seconds (fractions allowed).
     *
     * @throws IllegalArgumentException unless the value is a positive number
     */
    public Duration seconds(String key, Duration fallback) {
        String value = text(key);
        if (value == null) {
            return fallback;
        }
        try {
            double seconds = Double.parseDouble(value);
            if (seconds > 0 && Double.isFinite(seconds)) {
                return Duration.ofMillis(Math.max(1, Math.round(seconds * 1000)));
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(key + " must be a positive number of seconds, got '" + value + "'");
    }
}
