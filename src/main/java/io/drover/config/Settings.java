package io.drover.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Typed access to Drover's {@code drover.*} settings.
 *
 * <p>Values come from Camel's properties component, so every key can be set in {@code application.properties}, as a
 * {@code -D} system property or as an environment variable ({@code drover.http.port} = {@code DROVER_HTTP_PORT}).
 */
public final class Settings {

    private final PropertiesComponent properties;

    public Settings(CamelContext context) {
        this.properties = context.getPropertiesComponent();
    }

    public Optional<String> get(String key) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    /**
     * A setting whose default lives in application.properties (its one home: code does not repeat it). Fails, naming
     * the setting, when nothing gives it a value.
     */
    public String string(String key) {
        return get(key).orElseThrow(() -> new IllegalStateException("Setting " + key + " has no value; its default"
                + " belongs in application.properties"));
    }

    /** {@link #string(String)} as a whole number. */
    public int integer(String key) {
        string(key);
        return integer(key, 0);
    }

    /** {@link #string(String)} as a size (32768, 32KB, 512MB). */
    public long bytes(String key) {
        string(key);
        return bytes(key, 0);
    }

    /** {@link #string(String)} as true or false. */
    public boolean bool(String key) {
        string(key);
        return bool(key, false);
    }

    /** {@link #string(String)} as a duration (500ms, 20s, 15m, 24h, 7d). */
    public Duration duration(String key) {
        string(key);
        return duration(key, Duration.ZERO);
    }

    public String string(String key, String defaultValue) {
        return get(key).orElse(defaultValue);
    }

    public int integer(String key, int defaultValue) {
        String value = string(key, null);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Setting " + key + " must be an integer, got '" + value + "'");
        }
    }

    public long bytes(String key, long defaultValue) {
        String value = string(key, null);
        if (value == null) {
            return defaultValue;
        }
        String v = value.toLowerCase();
        long factor = 1;
        if (v.endsWith("kb") || v.endsWith("k")) {
            factor = 1024;
        } else if (v.endsWith("mb") || v.endsWith("m")) {
            factor = 1024 * 1024;
        } else if (v.endsWith("gb") || v.endsWith("g")) {
            factor = 1024L * 1024 * 1024;
        }
        try {
            return Long.parseLong(v.replaceAll("[a-z]+$", "").trim()) * factor;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Setting " + key + " must be a size such as 32768, 32kb, 512mb or 1gb, got '" + value + "'");
        }
    }

    public boolean bool(String key, boolean defaultValue) {
        return get(key).map(Boolean::parseBoolean).orElse(defaultValue);
    }

    /** Durations as {@code 500ms}, {@code 30s}, {@code 10m}, {@code 24h}, {@code 7d}, or ISO-8601 ({@code PT24H}). */
    public Duration duration(String key, Duration defaultValue) {
        String value = string(key, null);
        if (value == null) {
            return defaultValue;
        }
        try {
            return parseDuration(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Setting " + key + " must be a duration such as 30s or 24h, got '" + value + "'");
        }
    }

    public List<String> list(String key) {
        return get(key).map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }

    public static Duration parseDuration(String value) {
        String v = value.trim().toLowerCase();
        if (v.startsWith("p")) {
            return Duration.parse(value.trim().toUpperCase());
        }
        if (v.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
        }
        long n = Long.parseLong(v.substring(0, v.length() - 1).trim());
        return switch (v.charAt(v.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> throw new IllegalArgumentException(value);
        };
    }
}
