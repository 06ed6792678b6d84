package io.drover.console;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.config.Settings;
import io.drover.integration.DeadLetterFilter.BadParameter;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Looking at stored events through the admin port, so that nobody needs Kafka's tools:
 * <ul>
 * <li>{@code GET /admin/events/<messageId>[?since=24h]}: every copy of that message in {@code drover.events} (404
 * when none was stored in that time);</li>
 * <li>{@code GET /admin/events[?source&type&event&userId&anonymousId&since=15m&limit=100]}: the latest matching
 * events, oldest first;</li>
 * <li>the same with {@code follow=true}: the matching events as they arrive, one JSON object a line
 * ({@code application/x-ndjson}), until the client goes or {@code timeout} (at most 1 h) passes.</li>
 * </ul>
 * Behind the admin API's access rule. Kafka is read on threads of their own, never the event loop; at most
 * {@value #MAX_FOLLOWERS} follow at once.
 */
final class EventsApi {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final int MAX_FOLLOWERS = 4;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(15);
    private static final Set<String> PARAMETERS = Set.of("source", "type", "event", "userId", "anonymousId",
            "messageId", "since", "limit", "follow", "timeout");

    private final String bootstrapServers;
    private final String topic;
    private final Predicate<RoutingContext> allowed;
    private final AtomicInteger followers = new AtomicInteger();

    private final io.drover.journey.Journeys journeys;
    private final Instance instance;
    private final java.util.function.BiFunction<RoutingContext, com.fasterxml.jackson.databind.JsonNode,
            com.fasterxml.jackson.databind.JsonNode> output;

    EventsApi(String bootstrapServers, String topic, Predicate<RoutingContext> allowed,
              io.drover.journey.Journeys journeys, java.util.function.BiFunction<RoutingContext,
              com.fasterxml.jackson.databind.JsonNode, com.fasterxml.jackson.databind.JsonNode> output,
              Instance instance) {
        this.journeys = journeys;
        this.instance = instance;
        this.output = output;
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.allowed = allowed;
    }

    void mount(Router router) {
        router.get("/admin/events").handler(this::list);
        router.get("/admin/events/:messageId").handler(this::one);
    }

    private void one(RoutingContext ctx) {
        if (refused(ctx)) {
            return;
        }
        String id = ctx.pathParam("messageId");
        Duration since;
        try {
            since = duration(ctx, "since", Duration.ofHours(24));
        } catch (BadParameter e) {
            AdminApi.badParameter(ctx, e);
            return;
        }
        EventsReader.Match match = new EventsReader.Match(null, null, null, null, null, id);
        ctx.vertx().<List<EventsReader.Stored>>executeBlocking(() -> {
            try (EventsReader reader = new EventsReader(bootstrapServers, topic)) {
                return reader.recent(match, System.currentTimeMillis() - since.toMillis(), 100, READ_TIMEOUT);
            }
        }, false).onComplete(r -> {
            if (r.failed()) {
                AdminApi.error(ctx, 503, "kafka_unavailable", String.valueOf(r.cause().getMessage()));
            } else if (r.result().isEmpty() && journeys.ofMessage(id).isEmpty()) {
                AdminApi.error(ctx, 404, "not_found", "no event with messageId " + id + " was stored in the last " + since);
            } else {
                ObjectNode body = MAPPER.createObjectNode().put("messageId", id);
                ArrayNode copies = body.putArray("stored");
                r.result().forEach(s -> copies.add(s.toJson()));
                ObjectNode journey = JourneyView.of(r.result(), journeys.ofMessage(id), journeys.enabled());
                // Journeys are this instance's (its partitions); the stored copies are every instance's.
                journey.set("instance", instance.toJson());
                body.set("journey", journey);
                json(ctx, body);
            }
        });
    }

    private void list(RoutingContext ctx) {
        if (refused(ctx)) {
            return;
        }
        EventsReader.Match match;
        Duration since;
        Duration timeout;
        int limit;
        boolean follow;
        try {
            for (String given : ctx.queryParams().names()) {
                if (!PARAMETERS.contains(given)) {
                    throw new BadParameter(given, "unknown parameter; known: " + String.join(", ",
                            PARAMETERS.stream().sorted().toList()));
                }
            }
            match = new EventsReader.Match(q(ctx, "source"), q(ctx, "type"), q(ctx, "event"), q(ctx, "userId"),
                    q(ctx, "anonymousId"), q(ctx, "messageId"));
            since = duration(ctx, "since", Duration.ofMinutes(15));
            timeout = duration(ctx, "timeout", Duration.ofMinutes(10));
            if (timeout.compareTo(Duration.ofHours(1)) > 0) {
                throw new BadParameter("timeout", "at most 1h");
            }
            limit = number(ctx, "limit", 100, 10_000);
            String f = q(ctx, "follow");
            if (f != null && !f.equals("true") && !f.equals("false")) {
                throw new BadParameter("follow", "true or false");
            }
            follow = "true".equals(f);
        } catch (BadParameter e) {
            AdminApi.badParameter(ctx, e);
            return;
        }
        if (follow) {
            follow(ctx, match, timeout, limit);
            return;
        }
        ctx.vertx().<List<EventsReader.Stored>>executeBlocking(() -> {
            try (EventsReader reader = new EventsReader(bootstrapServers, topic)) {
                return reader.recent(match, System.currentTimeMillis() - since.toMillis(), limit, READ_TIMEOUT);
            }
        }, false).onComplete(r -> {
            if (r.failed()) {
                AdminApi.error(ctx, 503, "kafka_unavailable", String.valueOf(r.cause().getMessage()));
            } else {
                ObjectNode body = MAPPER.createObjectNode();
                ArrayNode events = body.putArray("events");
                r.result().forEach(s -> events.add(s.toJson()));
                json(ctx, body);
            }
        });
    }

    /** Streams matching events as they arrive, from a thread of its own; each line written on the event loop. */
    private void follow(RoutingContext ctx, EventsReader.Match match, Duration timeout, int limit) {
        if (followers.incrementAndGet() > MAX_FOLLOWERS) {
            followers.decrementAndGet();
            AdminApi.error(ctx, 429, "too_many_followers", "at most " + MAX_FOLLOWERS + " clients follow events at once");
            return;
        }
        Vertx vertx = ctx.vertx();
        var response = ctx.response().setChunked(true).putHeader("Content-Type", "application/x-ndjson");
        AtomicBoolean open = new AtomicBoolean(true);
        response.closeHandler(v -> open.set(false));
        long until = System.nanoTime() + timeout.toNanos();
        AtomicInteger sent = new AtomicInteger();
        Thread reader = new Thread(() -> {
            try (EventsReader events = new EventsReader(bootstrapServers, topic)) {
                // The answer's headers once the reader knows where the topic ends: a client that has them will see
                // every event stored from then on. With a blank line (NDJSON readers skip it): Firefox's fetch()
                // resolves on a response's first body bytes, not on its headers, so headers alone left the console
                // "connecting" until the first event.
                events.follow(match, () -> open.get() && System.nanoTime() < until && sent.get() < limit,
                        () -> vertx.runOnContext(v -> response.write("\n")), s -> {
                    sent.incrementAndGet();
                    String line = output.apply(ctx, s.toJson()).toString() + "\n";
                    vertx.runOnContext(v -> {
                        if (open.get()) {
                            response.write(line);
                        }
                    });
                });
            } catch (RuntimeException e) {
                vertx.runOnContext(v -> {
                    if (open.get()) {
                        response.write(MAPPER.createObjectNode().put("error", String.valueOf(e.getMessage())) + "\n");
                    }
                });
            } finally {
                followers.decrementAndGet();
                vertx.runOnContext(v -> {
                    if (open.get()) {
                        response.end();
                    }
                });
            }
        }, "drover-events-follow");
        reader.setDaemon(true);
        reader.start();
    }

    private boolean refused(RoutingContext ctx) {
        if (allowed.test(ctx)) {
            return false;
        }
        AdminApi.error(ctx, 401, "unauthorized", "admin token required");
        return true;
    }

    private static String q(RoutingContext ctx, String name) {
        String v = ctx.queryParams().get(name);
        return v == null || v.isBlank() ? null : v;
    }

    private static Duration duration(RoutingContext ctx, String name, Duration otherwise) {
        String v = q(ctx, name);
        if (v == null) {
            return otherwise;
        }
        try {
            Duration d = Settings.parseDuration(v);
            if (d.isNegative() || d.isZero()) {
                throw new BadParameter(name, "a positive duration such as 15m, 2h or 7d");
            }
            return d;
        } catch (BadParameter e) {
            throw e;
        } catch (RuntimeException e) {
            throw new BadParameter(name, "a duration such as 15m, 2h or 7d, got '" + v + "'");
        }
    }

    private static int number(RoutingContext ctx, String name, int otherwise, int max) {
        String v = q(ctx, name);
        if (v == null) {
            return otherwise;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new BadParameter(name, "a whole number from 1 to " + max);
    }

    private void json(RoutingContext ctx, ObjectNode body) {
        ctx.response().putHeader("Content-Type", "application/json").end(output.apply(ctx, body).toString());
    }
}
