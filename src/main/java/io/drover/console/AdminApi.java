package io.drover.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.integration.DeadLetterFilter;
import io.drover.integration.DeadLetterReader;
import io.drover.integration.IntegrationModules;
import io.drover.integration.Replay;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drover's admin HTTP API on the admin port, beside Camel's health and metrics: {@code GET /admin/integrations} lists
 * the modules of the integrations directory, their routes, and the files that failed with the reason;
 * {@code GET /admin/integrations/<name>/dead-letters} lists an integration's dead letters (filters, pages);
 * {@code POST /admin/integrations/<name>/replay} sends its dead letters (those matching the same filters) back through
 * it; {@code /admin/events} shows stored events ({@link EventsApi}). With {@code drover.admin.token} set it needs {@code Authorization: Bearer <token>}; without, it answers loopback
 * only. Kafka is read and written on Vert.x's worker pool, never on the event loop, and within a time bound.
 */
public final class AdminApi {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
    /** Bound of one read of a dead-letter topic: a page cut short by it says where to go on ({@code next}). */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final Set<String> REPLAY_PARAMETERS = Set.copyOf(DeadLetterFilter.PARAMETERS);
    private static final Set<String> LIST_PARAMETERS = Set.of("since", "until", "status", "reason", "limit", "after",
            "include");

    private final IntegrationModules modules;
    private final String token;
    private final String bootstrapServers;

    private final boolean metricsNeedToken;
    private final String eventsTopic;

    public AdminApi(IntegrationModules modules, String token, String bootstrapServers) {
        this(modules, token, bootstrapServers, false);
    }

    /** @param metricsNeedToken with a token set, {@code /observe/metrics} needs it too (health never does) */
    public AdminApi(IntegrationModules modules, String token, String bootstrapServers, boolean metricsNeedToken) {
        this(modules, token, bootstrapServers, metricsNeedToken, "drover.events");
    }

    /** @param eventsTopic where ingestion stores events ({@code drover.kafka.topic}), for {@code /admin/events} */
    public AdminApi(IntegrationModules modules, String token, String bootstrapServers, boolean metricsNeedToken,
                    String eventsTopic) {
        this.eventsTopic = eventsTopic;
        this.modules = modules;
        this.token = token == null || token.isBlank() ? null : token;
        this.bootstrapServers = bootstrapServers;
        this.metricsNeedToken = metricsNeedToken;
        io.drover.config.Settings settings = new io.drover.config.Settings(modules.context());
        this.sessions = new Sessions(settings.duration("drover.console.session-ttl", Duration.ofHours(8)));
        this.maskPii = settings.bool("drover.console.mask-pii", true);
        this.journeys = io.drover.journey.Journeys.of(modules.context());
    }

    private final Sessions sessions;
    private final boolean maskPii;
    private final io.drover.journey.Journeys journeys;

    public void mount(CamelContext context, int adminPort) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context,
                VertxPlatformHttpRouter.getRouterNameFromPort(adminPort));
        if (router == null) {
            throw new IllegalStateException("The admin server is not running on port " + adminPort);
        }
        mount(router);
    }

    /** Adds the admin routes to a Vert.x router (Camel's admin server's, or another one). */
    public void mount(Router router) {
        if (token != null && metricsNeedToken) {
            // Before Camel's own handler of the path; health stays open to orchestrators' probes.
            router.route("/observe/metrics").order(-1).handler(ctx -> {
                if (allowed(ctx)) {
                    ctx.next();
                } else {
                    unauthorized(ctx);
                }
            });
        }
        router.get("/admin/integrations").handler(this::integrations);
        router.get("/admin/integrations/:name/dead-letters").handler(this::deadLetters);
        router.post("/admin/integrations/:name/replay").handler(this::replay);
        Instance instance = new Instance(modules.context());
        EventsApi events = new EventsApi(bootstrapServers, eventsTopic, this::allowed, journeys, this::output, instance);
        events.mount(router);
        new ConsoleApi(modules, bootstrapServers, journeys, this::allowed, this::mayChange, this::output, instance)
                .mount(router);
        new ConsolePage(sessions, token, this::allowed).mount(router);
    }

    /**
     * {@code GET /admin/integrations/<name>/dead-letters[?since&until&status&reason&limit&after&include=request]}:
     * {@code {"integration", "deadLetters": [...], "requests": {id: request record} (include=request), "next"}}.
     */
    private void deadLetters(RoutingContext ctx) {
        if (!allowed(ctx)) {
            unauthorized(ctx);
            return;
        }
        String name = ctx.pathParam("name");
        Function<String, String> query = ctx.queryParams()::get;
        DeadLetterFilter filter;
        int limit;
        boolean withRequests;
        try {
            known(ctx, LIST_PARAMETERS);
            filter = DeadLetterFilter.parse(query);
            limit = limit(query.apply("limit"));
            String include = query.apply("include");
            if (include != null && !include.equals("request")) {
                throw new DeadLetterFilter.BadParameter("include", "the only one is 'request'");
            }
            withRequests = include != null;
        } catch (DeadLetterFilter.BadParameter e) {
            badParameter(ctx, e);
            return;
        }
        String after = query.apply("after");
        blocking(ctx, () -> {
            try (DeadLetterReader reader = new DeadLetterReader(bootstrapServers, name, READ_TIMEOUT)) {
                DeadLetterReader.Page page = reader.page(filter, after, limit, withRequests, READ_TIMEOUT);
                ObjectNode body = MAPPER.createObjectNode().put("integration", name);
                ArrayNode letters = body.putArray("deadLetters");
                page.letters().forEach(l -> letters.add(l.toJson()));
                if (withRequests) {
                    ObjectNode requests = body.putObject("requests");
                    page.requests().forEach(requests::set);
                }
                if (page.next() != null) {
                    body.put("next", page.next());
                }
                return body;
            }
        });
    }

    private static void known(RoutingContext ctx, Set<String> known) {
        for (String given : ctx.queryParams().names()) {
            if (!known.contains(given)) {
                throw new DeadLetterFilter.BadParameter(given, "unknown parameter; known: " + String.join(", ",
                        known.stream().sorted().toList()));
            }
        }
    }

    private static int limit(String value) {
        if (value == null || value.isBlank()) {
            return DeadLetterReader.DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1 && n <= DeadLetterReader.MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new DeadLetterFilter.BadParameter("limit", "a whole number from 1 to " + DeadLetterReader.MAX_LIMIT
                + ", got '" + value + "'");
    }

    /** {@code POST /admin/integrations/<name>/replay[?since&until&status&reason]}: dead letters back through it. */
    private void replay(RoutingContext ctx) {
        if (!allowed(ctx)) {
            unauthorized(ctx);
            return;
        }
        if (!mayChange(ctx)) {
            return;
        }
        String name = ctx.pathParam("name");
        DeadLetterFilter filter;
        try {
            // A misspelt filter must not replay everything.
            known(ctx, REPLAY_PARAMETERS);
            filter = DeadLetterFilter.parse(ctx.queryParams()::get);
        } catch (DeadLetterFilter.BadParameter e) {
            badParameter(ctx, e);
            return;
        }
        blocking(ctx, () -> MAPPER.createObjectNode().put("success", true)
                .put("replayed", Replay.run(bootstrapServers, name, filter)));
    }

    /**
     * Runs {@code work} on the worker pool and answers its JSON: 404 when the integration has no dead-letter topic,
     * 400 for a bad parameter found while reading (a cursor), 503 when Kafka failed.
     */
    private void blocking(RoutingContext ctx, Callable<ObjectNode> work) {
        ctx.vertx().<ObjectNode>executeBlocking(work, false).onComplete(result -> {
            if (result.succeeded()) {
                ctx.response().putHeader("Content-Type", "application/json").end(output(ctx, result.result()).toString());
            } else if (result.cause() instanceof DeadLetterReader.NoDeadLetters e) {
                error(ctx, 404, "unknown_integration", e.getMessage());
            } else if (result.cause() instanceof DeadLetterFilter.BadParameter e) {
                badParameter(ctx, e);
            } else {
                LOG.warn("Admin API: {} {} failed: {}", ctx.request().method(), ctx.request().path(), result.cause().toString());
                error(ctx, 503, "kafka_unavailable", String.valueOf(result.cause().getMessage()));
            }
        });
    }

    /** 400 naming the parameter (the dead-letter and events APIs' one shape for it). */
    static void badParameter(RoutingContext ctx, DeadLetterFilter.BadParameter e) {
        ObjectNode body = MAPPER.createObjectNode().put("success", false).put("code", "bad_parameter")
                .put("parameter", e.parameter()).put("message", e.getMessage());
        ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json").end(body.toString());
    }

    static void error(RoutingContext ctx, int status, String code, String message) {
        ObjectNode body = MAPPER.createObjectNode().put("success", false).put("code", code).put("message", message);
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toString());
    }

    private static void unauthorized(RoutingContext ctx) {
        error(ctx, 401, "unauthorized", "admin token required");
    }

    /**
     * A state change may go on: not from a page of another origin, and, when the console's session cookie is what
     * authenticates it, with the console's own header (a form or an image of another site cannot send one). Answers
     * 403 otherwise.
     */
    boolean mayChange(RoutingContext ctx) {
        if (crossSite(ctx)) {
            error(ctx, 403, "cross_site", "a state-changing admin call from a page of another origin is refused");
            return false;
        }
        if (token != null && !bearer(ctx) && !Sessions.fromConsole(ctx)) {
            error(ctx, 403, "csrf", "a state-changing call with the console's session needs the " + Sessions.HEADER
                    + " header");
            return false;
        }
        return true;
    }

    /** The answer's JSON, with emails and phones masked for the console when drover.console.mask-pii says so. */
    com.fasterxml.jackson.databind.JsonNode output(RoutingContext ctx, com.fasterxml.jackson.databind.JsonNode body) {
        return maskPii && Sessions.fromConsole(ctx) ? PiiMask.apply(body) : body;
    }

    private void integrations(RoutingContext ctx) {
        if (!allowed(ctx)) {
            unauthorized(ctx);
            return;
        }
        ObjectNode body = MAPPER.createObjectNode();
        ObjectNode running = body.putObject("modules");
        modules.modules().forEach((file, routes) -> {
            var list = running.putArray(file.getFileName().toString());
            routes.forEach(list::add);
        });
        ObjectNode errors = body.putObject("errors");
        modules.errors().forEach((file, reason) -> errors.put(file.getFileName().toString(), reason));
        // Scheduled delivery: what each integration with a delay (or a vendor's "too early") holds in Kafka now.
        ObjectNode held = body.putObject("held");
        modules.scheduling().forEach((route, sched) -> held.putObject(route)
                .put("delaySeconds", sched.delayMillis() / 1000.0)
                .put("events", sched.held().events())
                .put("oldestSeconds", sched.held().oldestSeconds()));
        ctx.response().putHeader("Content-Type", "application/json").end(body.toString());
    }

    /**
     * A browser page of another site posting here (a form needs no pre-flight, and without a token loopback is
     * trusted): browsers send Origin (and Sec-Fetch-Site) with every POST; scripts and the CLI send neither.
     */
    static boolean crossSite(RoutingContext ctx) {
        String fetchSite = ctx.request().getHeader("Sec-Fetch-Site");
        if (fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none")) {
            return true;
        }
        String origin = ctx.request().getHeader("Origin");
        if (origin == null) {
            return false;
        }
        String host = ctx.request().getHeader("Host");
        return host == null || !(origin.equals("http://" + host) || origin.equals("https://" + host));
    }

    private boolean allowed(RoutingContext ctx) {
        if (token == null) {
            String peer = ctx.request().remoteAddress() == null ? "" : ctx.request().remoteAddress().hostAddress();
            return peer.equals("127.0.0.1") || peer.equals("0:0:0:0:0:0:0:1") || peer.equals("::1");
        }
        return bearer(ctx) || sessions.valid(ctx);
    }

    private boolean bearer(RoutingContext ctx) {
        if (token == null) {
            return false;
        }
        String header = ctx.request().getHeader("Authorization");
        return header != null && header.startsWith("Bearer ") && MessageDigest.isEqual(
                header.substring(7).getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }
}
