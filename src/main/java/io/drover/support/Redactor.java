package io.drover.support;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one place secrets are masked, for every log line ({@link RedactingConverter}) and every dead-letter field:
 * the values of the settings whose names say they are secret (a token, a key, a secret, a password), wherever they
 * appear, and whatever looks like a credential by its shape (a secret-named query parameter, an Authorization
 * value, a quoted {@code "userHash"}). A URL that failed to parse, an exception's message, a vendor's echo of the
 * request: all go through it.
 */
public final class Redactor {

    public static final String MASK = "xxxxxx";
    /** Names of settings whose values are secrets (Camel's sensitive keywords, and a password). */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(secret|token|apikey|api[._-]key|access[._-]?key|"
            + "writekey|write[._-]key|password|passwd|credential|private[._-]key).*");
    private static final Pattern QUERY_SECRET = Pattern.compile(
            "(?i)([?&;][^=&\\s\"']*(secret|token|key|password|signature|auth)[^=&\\s\"']*=)[^&\\s\"'#]+");
    /** A browser's identity-verification hash ({@code context.userHash}) quoted as JSON: a credential for its user. */
    private static final Pattern USER_HASH = Pattern.compile("(?i)(\"user_?hash\"\\s*:\\s*\")[^\"]*");
    private static final Pattern AUTHORIZATION = Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=-]{6,}");
    /** Shorter values are not masked by value: they would hide ordinary words (they are still masked by shape). */
    private static final int MIN_SECRET_LENGTH = 6;

    private static volatile List<String> secrets = List.of();

    private Redactor() {
    }

    /** Learns the secret values among these settings (name to value). */
    public static synchronized void learn(Map<String, String> settings) {
        List<String> values = new ArrayList<>(secrets);
        settings.forEach((name, value) -> {
            if (name != null && value != null && SECRET_NAME.matcher(name).matches()) {
                add(values, value.trim());
            }
        });
        publish(values);
    }

    /**
     * Learns the secret-named settings of the environment and the JVM's system properties: at start, and again when a
     * module loads (a secret set since then is masked too).
     */
    public static void learnFromSystem() {
        learn(System.getenv());
        Map<String, String> properties = new java.util.HashMap<>();
        System.getProperties().forEach((k, v) -> properties.put(String.valueOf(k), String.valueOf(v)));
        learn(properties);
    }

    /** Learns secret values by themselves (a secrets file, a token fetched at run time). */
    public static synchronized void learnValues(Collection<String> values) {
        List<String> all = new ArrayList<>(secrets);
        values.forEach(v -> add(all, v == null ? null : v.trim()));
        publish(all);
    }

    private static void add(List<String> values, String value) {
        if (value != null && value.length() >= MIN_SECRET_LENGTH && !value.startsWith("{{") && !values.contains(value)) {
            values.add(value);
        }
    }

    private static void publish(List<String> values) {
        // Longest first: a secret that contains another is masked whole.
        values.sort(Comparator.comparingInt(String::length).reversed());
        secrets = List.copyOf(values);
    }

    /** The text with every known secret value and every credential-shaped part masked. */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : secrets) {
            if (out.contains(secret)) {
                out = out.replace(secret, MASK);
            }
        }
        if (out.indexOf('=') >= 0) {
            out = QUERY_SECRET.matcher(out).replaceAll("$1" + MASK);
        }
        String lower = out.toLowerCase(Locale.ROOT);
        if (lower.contains("bearer") || lower.contains("basic")) {
            out = AUTHORIZATION.matcher(out).replaceAll("$1 " + MASK);
        }
        if (lower.contains("hash\"")) {
            out = USER_HASH.matcher(out).replaceAll("$1" + MASK);
        }
        return out;
    }
}
