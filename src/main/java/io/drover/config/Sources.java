package io.drover.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured sources, found under {@code drover.sources.<name>.write-key},
 * {@code drover.sources.<name>.allowed-origins}, {@code .cookie-domain}, {@code .strict-batches},
 * {@code .user-hash-secret} and {@code .trust-user-ids} (or {@code DROVER_SOURCES_<NAME>_WRITE_KEY} and so on in the
 * environment).
 *
 * <p>With no source configured, a {@code default} source is created whose write key is generated once and kept in
 * {@code <data-dir>/default-source.properties}, so that a first run needs no configuration at all.
 */
public final class Sources {

    private static final Logger LOG = LoggerFactory.getLogger(Sources.class);
    private static final String PREFIX = "drover.sources.";
    /** 32 characters: 128 bits and more of a random hex or base64 key. */
    static final int MIN_USER_HASH_SECRET_LENGTH = 32;
    private static final Pattern KEY = Pattern.compile("drover\\.sources\\.([a-z0-9_-]+)\\.(write-key|allowed-origins)");
    private static final Pattern ENV_KEY = Pattern.compile("DROVER_SOURCES_([A-Z0-9_]+?)_(WRITE_KEY|ALLOWED_ORIGINS)");

    private final List<Source> sources;
    private final boolean generatedDefault;

    private Sources(List<Source> sources, boolean generatedDefault) {
        this.sources = List.copyOf(sources);
        this.generatedDefault = generatedDefault;
    }

    public static Sources load(CamelContext context, Settings settings, Path dataDir) throws IOException {
        Set<String> names = new TreeSet<>();
        Properties loaded = context.getPropertiesComponent().loadProperties(k -> k.startsWith(PREFIX));
        loaded.stringPropertyNames().forEach(k -> collectName(k, names));
        System.getProperties().stringPropertyNames().forEach(k -> collectName(k, names));
        for (String env : System.getenv().keySet()) {
            Matcher m = ENV_KEY.matcher(env);
            if (m.matches()) {
                names.add(m.group(1).toLowerCase(Locale.ROOT).replace('_', '-'));
            }
        }
        List<Source> result = new ArrayList<>();
        for (String name : names) {
            String writeKey = settings.get(PREFIX + name + ".write-key").orElse(null);
            if (writeKey == null) {
                throw new IllegalArgumentException("Source '" + name + "' is configured but has no "
                        + PREFIX + name + ".write-key");
            }
            // Unset: any origin (as Segment). Set but empty: a server-side source, refused to browsers.
            boolean originsSet = context.getPropertiesComponent().resolveProperty(PREFIX + name + ".allowed-origins")
                    .isPresent();
            List<String> origins = originsSet ? settings.list(PREFIX + name + ".allowed-origins") : List.of("*");
            String userHashSecret = settings.get(PREFIX + name + ".user-hash-secret").orElse(null);
            if (userHashSecret != null && userHashSecret.length() < MIN_USER_HASH_SECRET_LENGTH) {
                // A short key can be found offline from one user's own (userId, userHash) pair, then forge any user's.
                throw new IllegalArgumentException(PREFIX + name + ".user-hash-secret must be at least "
                        + MIN_USER_HASH_SECRET_LENGTH + " characters of random (openssl rand -hex 32)");
            }
            boolean trustUserIds = settings.bool(PREFIX + name + ".trust-user-ids", false);
            Source source = new Source(name, writeKey, origins,
                    settings.get(PREFIX + name + ".cookie-domain").orElse(null),
                    settings.bool(PREFIX + name + ".strict-batches", false), userHashSecret, trustUserIds);
            if (trustUserIds && !source.serverSide()) {
                LOG.warn("Source '{}' trusts the userIds its browsers send ({}{}.trust-user-ids=true): any visitor can"
                        + " claim any userId and attach its vendor ids to that user's events", name, PREFIX, name);
            }
            result.add(source);
        }
        if (!result.isEmpty()) {
            return new Sources(result, false);
        }
        return new Sources(List.of(new Source("default", defaultWriteKey(dataDir), List.of("*"))), true);
    }

    private static void collectName(String key, Set<String> names) {
        Matcher m = KEY.matcher(key);
        if (m.matches()) {
            names.add(m.group(1));
        }
    }

    /** Reads the default source's key, creating it on first start. */
    private static String defaultWriteKey(Path dataDir) throws IOException {
        Path file = dataDir.resolve("default-source.properties");
        Properties props = new Properties();
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                props.load(in);
            }
            String key = props.getProperty("write-key");
            if (key != null && !key.isBlank()) {
                return key.trim();
            }
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String key = "dk_" + HexFormat.of().formatHex(random);
        props.setProperty("write-key", key);
        Files.createDirectories(dataDir);
        try (OutputStream out = Files.newOutputStream(file)) {
            props.store(out, "Write key of Drover's default source, generated on first start");
        }
        return key;
    }

    public List<Source> all() {
        return sources;
    }

    public boolean isGeneratedDefault() {
        return generatedDefault;
    }

    /**
     * Finds the source whose write key this is. Every key is compared, in constant time, so that the answer's timing
     * tells nothing about how much of a key was right.
     */
    public Source byWriteKey(String writeKey) {
        if (writeKey == null || writeKey.isEmpty()) {
            return null;
        }
        byte[] candidate = writeKey.getBytes(StandardCharsets.UTF_8);
        Source match = null;
        for (Source source : sources) {
            if (MessageDigest.isEqual(candidate, source.writeKeyBytes())) {
                match = source;
            }
        }
        return match;
    }

    /** Every origin that some source allows, for CORS pre-flights (which carry no write key). */
    public boolean anySourceAllowsOrigin(String origin) {
        for (Source source : sources) {
            if (source.allowsOrigin(origin)) {
                return true;
            }
        }
        return false;
    }

    /** Whether some source names this origin (exactly or by pattern), for a pre-flight's credentials. */
    public boolean anySourceAllowsWithCredentials(String origin) {
        for (Source source : sources) {
            if (source.allowsWithCredentials(origin)) {
                return true;
            }
        }
        return false;
    }

    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        sources.forEach(s -> names.add(s.name()));
        return names;
    }
}
