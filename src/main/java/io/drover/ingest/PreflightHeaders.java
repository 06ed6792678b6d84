package io.drover.ingest;

import java.util.Locale;
import java.util.regex.Pattern;

/** The request headers a pre-flight may be granted: any well-formed names it asks for, within bounds. */
final class PreflightHeaders {

    static final int MAX_HEADERS = 32;
    private static final int MAX_LENGTH = 1024;
    /** An HTTP token (RFC 9110, 5.6.2): what a header name may be. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Granted even when not asked: what analytics.js and Drover's tag send. */
    private static final String BASE = "authorization, content-type, content-encoding";

    private PreflightHeaders() {
    }

    /** The value of Access-Control-Allow-Headers for this request, or null when what it asks is malformed. */
    static String allowed(String requested) {
        if (requested == null || requested.isBlank()) {
            return BASE;
        }
        if (requested.length() > MAX_LENGTH) {
            return null;
        }
        String[] names = requested.split(",");
        if (names.length > MAX_HEADERS) {
            return null;
        }
        StringBuilder granted = new StringBuilder(BASE);
        for (String name : names) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            if (n.isEmpty()) {
                continue;
            }
            if (!TOKEN.matcher(n).matches()) {
                return null;
            }
            if (!BASE.contains(n)) {
                granted.append(", ").append(n);
            }
        }
        return granted.toString();
    }
}
