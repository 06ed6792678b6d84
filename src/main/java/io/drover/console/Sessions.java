package io.drover.console;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;

/**
 * The console's logins: a random id in a cookie ({@code HttpOnly; Secure; SameSite=Strict}, path {@code /}) stands for
 * the admin token, kept in this process only (a restart logs everyone out). The token itself never goes in a URL or
 * a cookie. At most {@value #MAX} sessions; the oldest is dropped for a new one.
 */
final class Sessions {

    static final String COOKIE = "drover_console";
    /** The header the console sends with every call: its state changes need it (a form of another site cannot). */
    static final String HEADER = "X-Drover-Console";
    private static final int MAX = 1000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Long> expiries = new ConcurrentHashMap<>();
    private final Duration ttl;

    Sessions(Duration ttl) {
        this.ttl = ttl;
    }

    /** A new session, as the answer's cookie. */
    void open(RoutingContext ctx) {
        long now = System.currentTimeMillis();
        expiries.values().removeIf(e -> e < now);
        if (expiries.size() >= MAX) {
            expiries.entrySet().stream().min(Map.Entry.comparingByValue()).ifPresent(e -> expiries.remove(e.getKey()));
        }
        byte[] id = new byte[32];
        RANDOM.nextBytes(id);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        expiries.put(value, now + ttl.toMillis());
        ctx.response().addCookie(Cookie.cookie(COOKIE, value).setPath("/").setHttpOnly(true).setSecure(true)
                .setSameSite(CookieSameSite.STRICT).setMaxAge(ttl.toSeconds()));
    }

    void close(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(COOKIE);
        if (c != null) {
            expiries.remove(c.getValue());
        }
        ctx.response().addCookie(Cookie.cookie(COOKIE, "").setPath("/").setHttpOnly(true).setSecure(true)
                .setSameSite(CookieSameSite.STRICT).setMaxAge(0));
    }

    /** Whether the request carries a live session's cookie. */
    boolean valid(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(COOKIE);
        if (c == null) {
            return false;
        }
        Long expiry = expiries.get(c.getValue());
        return expiry != null && expiry > System.currentTimeMillis();
    }

    /** A call from the console page (it sends {@link #HEADER}); its answers show personal data masked. */
    static boolean fromConsole(RoutingContext ctx) {
        return ctx.request().getHeader(HEADER) != null;
    }
}
