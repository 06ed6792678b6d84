package io.drover.destinations;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Normalising and hashing personal data for the ad platforms' conversion APIs (Meta, TikTok, Snapchat, Pinterest,
 * Google): each vendor normalises, then SHA-256 (lower-case hex). A value that already is a SHA-256 hex digest is
 * kept as it is: never hashed twice. IP addresses, user agents, click ids and browser ids are never hashed.
 * The primitives are shared; each vendor composes them as its documentation says.
 */
public final class Hashing {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    private static final HexFormat HEX = HexFormat.of();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private Hashing() {
    }

    public static boolean isSha256(String value) {
        return value != null && value.length() == 64 && SHA256_HEX.matcher(value).matches();
    }

    /** SHA-256 of the UTF-8 bytes, lower-case hex; an existing digest is returned lower-cased, not hashed again. */
    public static String sha256(String normalised) {
        if (isSha256(normalised)) {
            return normalised.toLowerCase(Locale.ROOT);
        }
        MessageDigest md = SHA256.get();
        return HEX.formatHex(md.digest(normalised.getBytes(StandardCharsets.UTF_8)));
    }

    /** Normalises with {@code normaliser} then hashes; {@code null} when there is nothing left to hash. */
    public static String hash(String raw, java.util.function.UnaryOperator<String> normaliser) {
        if (raw == null) {
            return null;
        }
        if (isSha256(raw.trim())) {
            return raw.trim().toLowerCase(Locale.ROOT);
        }
        String n = normaliser.apply(raw);
        return n == null || n.isEmpty() ? null : sha256(n);
    }

    /** Trimmed and lower-cased (emails; Meta, TikTok, Snapchat, Pinterest, Google). */
    public static String email(String raw) {
        return raw == null ? null : raw.trim().toLowerCase(Locale.ROOT);
    }

    /** Digits only, e.g. "+1 (650) 555-1234" → "16505551234" (Meta, Snapchat, Pinterest: country code, no '+'). */
    public static String digits(String raw) {
        if (raw == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c >= '0' && c <= '9') {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * Digits with the country code, no '+' and no leading zeros (an international "00" prefix is read as the '+'):
     * "+44 844 412 4653" and "0044 844 412 4653" → "448444124653" (Meta, Snapchat, Pinterest).
     */
    public static String phoneDigits(String raw) {
        String d = digits(raw);
        if (d == null) {
            return null;
        }
        int i = 0;
        while (i < d.length() && d.charAt(i) == '0') {
            i++;
        }
        return d.substring(i);
    }

    /** Puts {@code [sha256]} of the normalised value under {@code field}, when anything is left to hash. */
    public static void addHashed(com.fasterxml.jackson.databind.node.ObjectNode node, String field, String raw,
                                 java.util.function.UnaryOperator<String> normaliser) {
        String h = hash(raw, normaliser);
        if (h != null) {
            node.putArray(field).add(h);
        }
    }

    /** E.164 with its '+', e.g. "+1 (650) 555-1234" → "+16505551234" (TikTok, Google). */
    public static String e164(String raw) {
        String d = digits(raw);
        return d == null || d.isEmpty() ? null : "+" + d;
    }

    /** Lower-case, trimmed, letters only (no spaces, digits or punctuation), accents kept as UTF-8 (Meta's names, city). */
    public static String lettersOnly(String raw) {
        if (raw == null) {
            return null;
        }
        String s = Normalizer.normalize(raw.trim().toLowerCase(Locale.ROOT), Normalizer.Form.NFC);
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().filter(Character::isLetter).forEach(b::appendCodePoint);
        return b.toString();
    }

    /** Lower-case and trimmed, inner spaces removed (postal codes, state and country codes). */
    public static String compact(String raw) {
        if (raw == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(raw.length());
        String s = raw.trim().toLowerCase(Locale.ROOT);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!Character.isWhitespace(c) && c != '-') {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** Trimmed and lower-cased, as it is (external ids). */
    public static String trimmed(String raw) {
        return raw == null ? null : raw.trim();
    }
}
