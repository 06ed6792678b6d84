package io.drover.config;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A source of events (a website, an app, a backend) with its own write key and the browser origins allowed to send
 * with it. An empty origin list means a server-side source: requests that carry an {@code Origin} header are refused.
 * {@code cookieDomain} is the Domain of the anonymous-id cookie Drover sets for this source's browsers (null: the
 * host Drover answers on). {@code strictBatches}: a batch with one invalid message is refused whole (400), instead of
 * storing the valid ones and naming the others.
 * <p>
 * Who the identity store believes (docs/security.md, section 2): a server-side source's write key is secret, so the
 * userIds it sends are trusted; a browser source's key is public, so a userId it sends is only a claim, trusted when
 * the event proves it with {@code context.userHash} (an HMAC under {@code userHashSecret}, null: none can) or when
 * the source opts out of the check with {@code trustUserIds} (unsafe: any visitor can claim any userId).
 */
public record Source(String name, String writeKey, List<String> allowedOrigins, String cookieDomain,
                     boolean strictBatches, String userHashSecret, boolean trustUserIds) {

    public Source {
        if (writeKey == null || writeKey.isBlank()) {
            throw new IllegalArgumentException("Source '" + name + "' has no write key");
        }
        allowedOrigins = List.copyOf(allowedOrigins);
        if (userHashSecret != null && userHashSecret.isBlank()) {
            userHashSecret = null;
        }
    }

    public Source(String name, String writeKey, List<String> allowedOrigins, String cookieDomain,
                  boolean strictBatches) {
        this(name, writeKey, allowedOrigins, cookieDomain, strictBatches, null, false);
    }

    public Source(String name, String writeKey, List<String> allowedOrigins) {
        this(name, writeKey, allowedOrigins, null, false);
    }

    /** A source no browser may use (no allowed origin): its write key is a server's secret. */
    public boolean serverSide() {
        return allowedOrigins.isEmpty();
    }

    /**
     * Whether every userId this source sends is believed without proof: a server-side source's, or a browser
     * source's that set {@code trust-user-ids}. Otherwise only a userId its event proves with a userHash is.
     */
    public boolean trustsUserIds() {
        return serverSide() || trustUserIds;
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
        // Never print the write key nor the user-hash secret.
        return "Source[" + name + ", origins=" + allowedOrigins + "]";
    }
}
