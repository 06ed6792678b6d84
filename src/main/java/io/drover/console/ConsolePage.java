package io.drover.console;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The console's page, {@code /console} on the admin port: three static files from the jar (no CDN, no build step)
 * and the login. {@code POST /console/login} with {@code {"token": "..."}} opens a session (a cookie; the token never
 * goes in a URL); {@code POST /console/logout} ends it; {@code GET /console/session} says whether the caller is in.
 * Every answer carries a Content-Security-Policy that allows Drover's own origin only, and no inline script.
 */
final class ConsolePage {

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<String, String> FILES = Map.of("", "index.html", "app.js", "app.js", "app.css", "app.css");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8");
    /** Wrong tokens allowed per minute, for the whole port: guessing one is slow. */
    private static final int FAILURES_PER_MINUTE = 20;

    private final Sessions sessions;
    private final String token;
    private final Predicate<RoutingContext> allowed;
    private final AtomicLong minute = new AtomicLong();
    private final AtomicInteger failures = new AtomicInteger();

    ConsolePage(Sessions sessions, String token, Predicate<RoutingContext> allowed) {
        this.sessions = sessions;
        this.token = token;
        this.allowed = allowed;
    }

    void mount(Router router) {
        router.route("/console*").order(-1).handler(ctx -> {
            ctx.response().putHeader("Content-Security-Policy", CSP).putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Referrer-Policy", "no-referrer").putHeader("X-Frame-Options", "DENY")
                    .putHeader("Cache-Control", "no-store");
            ctx.next();
        });
        router.get("/console").handler(ctx -> file(ctx, ""));
        router.get("/console/").handler(ctx -> file(ctx, ""));
        router.get("/console/:file").handler(ctx -> file(ctx, ctx.pathParam("file")));
        router.post("/console/login").handler(BodyHandler.create().setBodyLimit(4096)).handler(this::login);
        router.post("/console/logout").handler(this::logout);
        router.get("/console/session").handler(ctx -> json(ctx, 200, MAPPER.createObjectNode()
                .put("authenticated", allowed.test(ctx)).put("tokenRequired", token != null)));
    }

    private void file(RoutingContext ctx, String name) {
        if (name.equals("session")) {
            ctx.next();
            return;
        }
        String file = FILES.get(name);
        if (file == null) {
            AdminApi.error(ctx, 404, "not_found", "no such file of the console");
            return;
        }
        try (InputStream in = ConsolePage.class.getResourceAsStream("/console/" + file)) {
            if (in == null) {
                AdminApi.error(ctx, 404, "not_found", "the console is not in this build");
                return;
            }
            String ext = file.substring(file.lastIndexOf('.') + 1);
            ctx.response().putHeader("Content-Type", TYPES.get(ext)).end(Buffer.buffer(in.readAllBytes()));
        } catch (IOException e) {
            AdminApi.error(ctx, 503, "unavailable", "cannot read the console's files");
        }
    }

    private void login(RoutingContext ctx) {
        if (AdminApi.crossSite(ctx)) {
            AdminApi.error(ctx, 403, "cross_site", "a login from a page of another origin is refused");
            return;
        }
        if (token == null) {
            json(ctx, 200, MAPPER.createObjectNode().put("authenticated", allowed.test(ctx)).put("tokenRequired", false));
            return;
        }
        long now = System.currentTimeMillis() / 60_000;
        if (minute.getAndSet(now) != now) {
            failures.set(0);
        }
        if (failures.get() >= FAILURES_PER_MINUTE) {
            ctx.response().putHeader("Retry-After", "60");
            AdminApi.error(ctx, 429, "too_many_attempts", "too many wrong tokens; try again in a minute");
            return;
        }
        String given;
        try {
            JsonNode body = MAPPER.readTree(ctx.body().asString() == null ? "" : ctx.body().asString());
            given = body == null ? null : body.path("token").asText(null);
        } catch (Exception e) {
            given = null;
        }
        if (given == null || given.isEmpty()) {
            AdminApi.badParameter(ctx, new io.drover.integration.DeadLetterFilter.BadParameter("token",
                    "the body must be {\"token\": \"<drover.admin.token>\"}"));
            return;
        }
        if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
            failures.incrementAndGet();
            AdminApi.error(ctx, 401, "unauthorized", "wrong token");
            return;
        }
        sessions.open(ctx);
        json(ctx, 200, MAPPER.createObjectNode().put("authenticated", true).put("tokenRequired", true));
    }

    private void logout(RoutingContext ctx) {
        if (AdminApi.crossSite(ctx) || ctx.request().getHeader(Sessions.HEADER) == null) {
            AdminApi.error(ctx, 403, "csrf", "a logout needs the " + Sessions.HEADER + " header, from the console");
            return;
        }
        sessions.close(ctx);
        json(ctx, 200, MAPPER.createObjectNode().put("authenticated", false));
    }

    private static void json(RoutingContext ctx, int status, com.fasterxml.jackson.databind.node.ObjectNode body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toString());
    }
}
