package io.drover.config;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A source of events (a website, an app, a backend) with its own write key and the browser origins allowed to send
 * with it. An empty origin list means a server-side source: requests that carry an {@code Origin} header are refused.
 * {@code cookieDomain} is the Domain of the anonymous-id cookie Drover sets for this source's browsers (null: the
 * host Drover answers on). {@code strictBatches}: a batch with one invalid message is refused whole (400), instead of
 * storing the valid ones and naming the others.
 */
public record Source(String name, String writeKey, List<String> allowedOrigins, String cookieDomain,
                     boolean strictBatches) {

    public Source {
        if (writeKey == null || writeKey.isBlank()) {
            throw new IllegalArgumentException("Source '" + name + "' has no write key");
        }
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    public Source(String name, String writeKey, List<String> allowedOrigins) {
        this(name, writeKey, allowedOrigins, null, false);
    }

    public boolean allowsAnyOrigin() {
        return allowedOrigins.contains("*");
    }

    /** Whether a browser page of this origin may send with this source's key (any, when it allows {@code *}). */
    public boolean allowsOrigin(String origin) {
        return allowsAnyOrigin() || allowsWithCredentials(origin);
    }

    /**
     * Whether this origin is one the source names, exactly or by a pattern such as {@code https://*.example.com}: only
     * such an origin is answered with {@code Access-Control-Allow-Credentials: true} (and so gets the anonymous-id
     * cookie). An origin allowed only by {@code *} is not: credentials are never granted to any origin at all.
     */
    public boolean allowsWithCredentials(String origin) {
        if (origin == null) {
            return false;
        }
        for (String allowed : allowedOrigins) {
            if (allowed.equalsIgnoreCase(origin) || OriginPattern.matches(allowed, origin)) {
                return true;
            }
        }
        return false;
    }

    byte[] writeKeyBytes() {
        return writeKey.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        // Never print the write key.
        return "Source[" + name + ", origins=" + allowedOrigins + "]";
    }
}
