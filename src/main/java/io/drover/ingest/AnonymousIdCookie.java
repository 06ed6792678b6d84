package io.drover.ingest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.drover.config.Source;

/**
 * The first-party cookie that keeps a browser's anonymous id, set by Drover on its ingestion answers.
 *
 * <p>Browsers cap cookies written by scripts (Safari: 7 days) but not cookies set by a first-party server, so the id
 * survives as long as the visitor comes back within Max-Age. The name is analytics.js's, so that drover.js and a
 * site still running analytics.js read the same id; it is therefore not HttpOnly (the tag must read it to put the id
 * in its events). The value is the id, percent-encoded as analytics.js's cookie library writes it.
 */
final class AnonymousIdCookie {

    static final String NAME = "ajs_anonymous_id";
    /** 400 days: the longest Max-Age Chrome keeps (RFC 6265bis caps it there too). */
    static final Duration MAX_AGE = Duration.ofDays(400);
    /** Longer ids are not ids a tag made: not worth a cookie on every request. */
    private static final int MAX_ID_LENGTH = 200;

    private AnonymousIdCookie() {
    }

    /**
     * The {@code Set-Cookie} value for this anonymous id, or null when none is due: only browsers sending from an
     * origin the source names get one (not one allowed only by {@code *}, which gets no credentials; a server-side
     * source allows none), and only for a plausible id.
     */
    static String header(Source source, String origin, String anonymousId) {
        if (origin == null || !source.allowsWithCredentials(origin) || anonymousId == null || anonymousId.isEmpty()
                || anonymousId.length() > MAX_ID_LENGTH) {
            return null;
        }
        StringBuilder cookie = new StringBuilder(NAME).append('=')
                .append(URLEncoder.encode(anonymousId, StandardCharsets.UTF_8).replace("+", "%20"))
                .append("; Max-Age=").append(MAX_AGE.toSeconds())
                .append("; Path=/");
        if (source.cookieDomain() != null) {
            cookie.append("; Domain=").append(source.cookieDomain());
        }
        return cookie.append("; Secure; SameSite=Lax").toString();
    }
}
