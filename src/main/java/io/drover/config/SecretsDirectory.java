package io.drover.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.drover.support.Redactor;
import org.apache.camel.Ordered;
import org.apache.camel.spi.PropertiesSource;

/**
 * Settings from a directory with one file per setting, as Kubernetes and Docker mount secrets
 * ({@code drover.secrets-dir}): the file {@code meta.access-token} or {@code META_ACCESS_TOKEN} holds the value of
 * {@code meta.access-token}, its trailing line break removed. Read when a setting is looked up (a module loads), so
 * that a value changed in the directory is what the module gets when it is reloaded ({@link #fingerprints} tells which
 * changed). Every value here is a secret: each is learned by the {@link Redactor}, whatever its name.
 * <p>
 * Precedence: the environment and {@code -D} settings win over this directory, which wins over
 * {@code application.properties} (a Camel properties source ordered before the file's).
 */
public final class SecretsDirectory implements PropertiesSource, Ordered {

    /** What a file name may be: a setting's name, dotted or as an environment variable. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final Path dir;

    public SecretsDirectory(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public String getName() {
        return "drover-secrets-dir";
    }

    @Override
    public int getOrder() {
        // Before application.properties (Camel orders its location sources at 400).
        return 100;
    }

    @Override
    public String getProperty(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            return null;
        }
        String value = read(dir.resolve(name));
        if (value == null) {
            value = read(dir.resolve(envName(name)));
        }
        if (value != null) {
            Redactor.learnValues(java.util.List.of(value));
        }
        return value;
    }

    /**
     * A digest of each file's value, by the setting's environment-style name ({@link #envName}: one form for both
     * file names a setting may have): what changed between two calls is what modules must reload for. The values
     * themselves are not kept.
     */
    public Map<String, String> fingerprints() {
        Map<String, String> digests = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return digests;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                // Kubernetes' own entries (..data, ..2026_12_01...) are links to the real files.
                if (name.startsWith("..") || !NAME.matcher(name).matches()) {
                    continue;
                }
                String value = read(file);
                if (value != null) {
                    Redactor.learnValues(java.util.List.of(value));
                    digests.put(envName(name), digest(value));
                }
            }
        } catch (IOException e) {
            // An unreadable directory holds no settings (and the next change is looked at again).
        }
        return digests;
    }

    /** {@code META_ACCESS_TOKEN} for {@code meta.access-token} (and for itself). */
    public static String envName(String setting) {
        return setting.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static String read(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            String value = Files.readString(file, StandardCharsets.UTF_8);
            value = value.endsWith("\r\n") ? value.substring(0, value.length() - 2)
                    : value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
            return value.isEmpty() ? null : value;
        } catch (IOException e) {
            return null;
        }
    }

    private static String digest(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
