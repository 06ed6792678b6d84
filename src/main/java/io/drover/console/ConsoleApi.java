package io.drover.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.config.Settings;
import io.drover.integration.DeadLetterFilter;
import io.drover.integration.DeadLetterFilter.BadParameter;
import io.drover.integration.DeadLetterReader;
import io.drover.integration.Delivery;
import io.drover.integration.EventsConsumer;
import io.drover.integration.IntegrationModules;
import io.drover.integration.Replay;
import io.drover.integration.TargetGuard;
import io.drover.integration.Validation;
import io.drover.destinations.api.VendorRequest;
import io.drover.journey.Journey;
import io.drover.journey.Journeys;
import io.drover.journey.Masking;
import io.drover.journey.Recorder;
import io.drover.support.Redactor;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.support.ExchangeHelper;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The admin API's reads and actions that the console needs, each usable by a script as well (docs/console.md):
 * <ul>
 * <li>{@code GET /admin/journeys[?messageId&userId&anonymousId&integration&state&limit]}: recorded journeys, newest
 * first (the latest events of one user: {@code ?userId=});</li>
 * <li>{@code GET /admin/overview[?window=15m]}: each integration's state and funnel, and ingestion's counters;</li>
 * <li>{@code GET /admin/modules}: each module file, its parameters (secrets masked), status and last error;</li>
 * <li>{@code POST /admin/playground}: the requests a module would send for an event, without sending;</li>
 * <li>{@code POST /admin/playground/validate}: the same sent to the vendor's validation endpoint (GA4
 * {@code /debug/mp/collect}, Meta's {@code test_event_code});</li>
 * <li>{@code POST /admin/integrations/<name>/replay-jobs} and {@code GET /admin/replay-jobs/<id>}: replay one
 * letter, a selection or all that match a filter, with progress.</li>
 * </ul>
 */
final class ConsoleApi {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> JOURNEY_PARAMETERS = Set.of("messageId", "userId", "anonymousId", "integration",
            "state", "limit");
    private static final Pattern LINE = Pattern.compile("(?i)line (\\d+)");
    private static final int MAX_BODY = 256 * 1024;

    private final IntegrationModules modules;
    private final String bootstrapServers;
    private final Journeys journeys;
    private final Predicate<RoutingContext> allowed;
    private final Predicate<RoutingContext> mayChange;
    private final BiFunction<RoutingContext, JsonNode, JsonNode> output;
    private final Map<String, ObjectNode> jobs = new ConcurrentHashMap<>();
    private final Instance instance;

    ConsoleApi(IntegrationModules modules, String bootstrapServers, Journeys journeys, Predicate<RoutingContext> allowed,
               Predicate<RoutingContext> mayChange, BiFunction<RoutingContext, JsonNode, JsonNode> output,
               Instance instance) {
        this.instance = instance;
        this.modules = modules;
        this.bootstrapServers = bootstrapServers;
        this.journeys = journeys;
        this.allowed = allowed;
        this.mayChange = mayChange;
        this.output = output;
    }

    void mount(Router router) {
        router.get("/admin/journeys").handler(this::journeys);
        router.get("/admin/overview").handler(this::overview);
        router.get("/admin/modules").handler(this::modules);
        router.post("/admin/playground").handler(BodyHandler.create().setBodyLimit(MAX_BODY)).handler(this::playground);
        router.post("/admin/playground/validate").handler(BodyHandler.create().setBodyLimit(MAX_BODY))
                .handler(this::validate);
        router.post("/admin/integrations/:name/replay-jobs").handler(BodyHandler.create().setBodyLimit(MAX_BODY))
                .handler(this::replayJob);
        router.get("/admin/replay-jobs/:id").handler(this::job);
    }

    private boolean refused(RoutingContext ctx) {
        if (allowed.test(ctx)) {
            return false;
        }
        AdminApi.error(ctx, 401, "unauthorized", "admin token required");
        return true;
    }

    private void json(RoutingContext ctx, int status, JsonNode body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(output.apply(ctx, body).toString());
    }

    private static void known(RoutingContext ctx, Set<String> known) {
        for (String given : ctx.queryParams().names()) {
            if (!known.contains(given)) {
                throw new BadParameter(given, "unknown parameter; known: " + String.join(", ",
                        known.stream().sorted().toList()));
            }
        }
    }

    private static String q(RoutingContext ctx, String name) {
        String v = ctx.queryParams().get(name);
        return v == null || v.isBlank() ? null : v;
    }

    private static int number(String name, String v, int otherwise, int max) {
        if (v == null) {
            return otherwise;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new BadParameter(name, "a whole number from 1 to " + max + ", got '" + v + "'");
    }

    // --- journeys ---------------------------------------------------------------------------------------------

    private void journeys(RoutingContext ctx) {
        if (refused(ctx)) {
            return;
        }
        String messageId;
        String userId;
        String anonymousId;
        String integration;
        Journey.State state;
        int limit;
        try {
            known(ctx, JOURNEY_PARAMETERS);
            messageId = q(ctx, "messageId");
            userId = q(ctx, "userId");
            anonymousId = q(ctx, "anonymousId");
            integration = q(ctx, "integration");
            String s = q(ctx, "state");
            state = null;
            if (s != null) {
                for (Journey.State each : Journey.State.values()) {
                    if (each.label().equals(s)) {
                        state = each;
                    }
                }
                if (state == null) {
                    throw new BadParameter("state", "one of left-out, in-flight, retrying, delivered, dead-lettered,"
                            + " deferred; got '" + s + "'");
                }
            }
            limit = number("limit", q(ctx, "limit"), 50, 1000);
        } catch (BadParameter e) {
            AdminApi.badParameter(ctx, e);
            return;
        }
        Journey.State wanted = state;
        List<Journey> found = journeys.find(j -> (messageId == null || messageId.equals(j.messageId()))
                && (userId == null || userId.equals(j.userId()))
                && (anonymousId == null || anonymousId.equals(j.anonymousId()))
                && (integration == null || integration.equals(j.integration()))
                && (wanted == null || wanted.label().equals(j.summary().get("state").asText())), limit);
        ObjectNode body = MAPPER.createObjectNode();
        body.set("instance", instance.toJson());
        body.set("recording", journeys.describe());
        ArrayNode list = body.putArray("journeys");
        found.forEach(j -> list.add(j.summary()));
        json(ctx, 200, body);
    }

    // --- overview ---------------------------------------------------------------------------------------------

    private void overview(RoutingContext ctx) {
        if (refused(ctx)) {
            return;
        }
        Duration window;
        try {
            known(ctx, Set.of("window"));
            String w = q(ctx, "window");
            window = w == null ? Duration.ofMinutes(15) : parse("window", w);
            if (window.toMinutes() < 1 || window.toMinutes() > Journeys.maxWindowMinutes()) {
                throw new BadParameter("window", "from 1m to " + Journeys.maxWindowMinutes() / 60 + "h");
            }
        } catch (BadParameter e) {
            AdminApi.badParameter(ctx, e);
            return;
        }
        int minutes = (int) window.toMinutes();
        ObjectNode body = MAPPER.createObjectNode().put("window", w(window)).put("windowMinutes", minutes);
        // Each instance counts what its own consumers did: the cluster's totals are the sum over instances
        // (Prometheus' drover_integration_* series, one per instance).
        body.set("instance", instance.toJson());
        ArrayNode list = body.putArray("integrations");
        MeterRegistry registry = CamelContextHelper.findSingleByType(modules.context(), MeterRegistry.class);
        Set<String> listed = new HashSet<>();
        modules.modules().forEach((file, routes) -> routes.forEach(route -> {
            listed.add(route);
            ObjectNode i = list.addObject().put("name", route).put("file", file.getFileName().toString())
                    .put("state", "running");
            i.set("funnel", journeys.funnel(route, minutes));
            Double lag = gauge(registry, "drover.integration.lag", route);
            if (lag != null) {
                i.put("lag", lag.longValue());
            }
        }));
        modules.errors().forEach((file, reason) -> {
            String name = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
            if (listed.contains(name)) {
                return;
            }
            ObjectNode i = list.addObject().put("name", name).put("file", file.getFileName().toString());
            boolean off = reason.startsWith("missing setting");
            i.put("state", off ? "off" : "broken").put("reason", Redactor.redact(reason));
            i.set("funnel", journeys.funnel(name, minutes));
        });
        body.set("ingestion", ingestion(registry));
        body.set("recording", journeys.describe());
        json(ctx, 200, body);
    }

    private static String w(Duration d) {
        return d.toMinutes() % 60 == 0 ? d.toHours() + "h" : d.toMinutes() + "m";
    }

    private static Duration parse(String name, String v) {
        try {
            Duration d = Settings.parseDuration(v);
            if (d.isNegative() || d.isZero()) {
                throw new BadParameter(name, "a positive duration such as 15m or 1h");
            }
            return d;
        } catch (BadParameter e) {
            throw e;
        } catch (RuntimeException e) {
            throw new BadParameter(name, "a duration such as 15m or 1h, got '" + v + "'");
        }
    }

    private static Double gauge(MeterRegistry registry, String name, String integration) {
        if (registry == null) {
            return null;
        }
        Gauge g = registry.find(name).tag("integration", integration).gauge();
        return g == null ? null : g.value();
    }

    /** Ingestion's counters since Drover started: requests by status, events by outcome, refused pre-flights. */
    private static ObjectNode ingestion(MeterRegistry registry) {
        ObjectNode o = MAPPER.createObjectNode().put("since", "start");
        if (registry == null) {
            return o;
        }
        ObjectNode requests = o.putObject("requestsByStatus");
        ObjectNode events = o.putObject("eventsByOutcome");
        Map<String, Double> byStatus = new TreeMap<>();
        Map<String, Double> byOutcome = new TreeMap<>();
        for (Meter m : registry.find("drover.ingest.requests").meters()) {
            byStatus.merge(m.getId().getTag("status"), count(m), Double::sum);
        }
        for (Meter m : registry.find("drover.ingest.events").meters()) {
            byOutcome.merge(m.getId().getTag("outcome"), count(m), Double::sum);
        }
        byStatus.forEach((k, v) -> requests.put(k, v.longValue()));
        byOutcome.forEach((k, v) -> events.put(k, v.longValue()));
        return o;
    }

    private static double count(Meter m) {
        double total = 0;
        for (var measure : m.measure()) {
            total += measure.getValue();
        }
        return total;
    }

    // --- modules ----------------------------------------------------------------------------------------------

    private void modules(RoutingContext ctx) {
        if (refused(ctx)) {
            return;
        }
        Map<Path, List<String>> running = modules.modules();
        Map<Path, String> errors = modules.errors();
        Set<Path> files = new java.util.TreeSet<>(running.keySet());
        files.addAll(errors.keySet());
        ObjectNode body = MAPPER.createObjectNode();
        ArrayNode list = body.putArray("modules");
        for (Path file : files) {
            ObjectNode m = list.addObject().put("file", file.getFileName().toString());
            ArrayNode routes = m.putArray("routes");
            running.getOrDefault(file, List.of()).forEach(routes::add);
            String error = errors.get(file);
            if (error == null) {
                m.put("status", "running");
            } else {
                m.put("status", error.startsWith("missing setting") ? "off" : "broken");
                m.put("error", Redactor.redact(error));
                Matcher line = LINE.matcher(error);
                if (line.find()) {
                    m.put("line", Integer.parseInt(line.group(1)));
                }
            }
            m.set("parameters", parameters(modules.context(), file));
        }
        json(ctx, 200, body);
    }

    /** Each templated route's parameters and its beans' properties, as written and as resolved, secrets masked. */
    @SuppressWarnings("unchecked")
    static ArrayNode parameters(CamelContext context, Path file) {
        ArrayNode out = MAPPER.createArrayNode();
        Object doc;
        try {
            doc = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
        } catch (Exception e) {
            return out;
        }
        if (!(doc instanceof List<?> items)) {
            return out;
        }
        for (Object item : items) {
            if (!(item instanceof Map<?, ?> map) || !(map.get("templatedRoute") instanceof Map<?, ?> route)) {
                continue;
            }
            if (route.get("parameters") instanceof List<?> params) {
                for (Object p : params) {
                    if (p instanceof Map<?, ?> pm) {
                        out.add(parameter(context, String.valueOf(pm.get("name")), String.valueOf(pm.get("value"))));
                    }
                }
            }
            if (route.get("beans") instanceof List<?> beans) {
                for (Object b : beans) {
                    if (b instanceof Map<?, ?> bm && bm.get("properties") instanceof Map<?, ?> props) {
                        ((Map<Object, Object>) props).forEach((k, v) -> out.add(parameter(context,
                                bm.get("name") + "." + k, String.valueOf(v))));
                    }
                }
            }
        }
        return out;
    }

    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(secret|token|api[-_]?key|apikey|password|credential|access[-_]?key).*");

    private static ObjectNode parameter(CamelContext context, String name, String value) {
        ObjectNode p = MAPPER.createObjectNode().put("name", name);
        boolean secret = SECRET_NAME.matcher(name).matches() || SECRET_NAME.matcher(value).matches();
        p.put("value", Redactor.redact(value));
        if (value.contains("{{")) {
            try {
                String resolved = context.resolvePropertyPlaceholders(value);
                p.put("resolved", secret ? Redactor.MASK : Redactor.redact(resolved));
            } catch (RuntimeException e) {
                p.put("resolved", (String) null);
                p.put("missing", true);
            }
        }
        if (secret) {
            p.put("secret", true);
        }
        return p;
    }

    // --- playground -------------------------------------------------------------------------------------------

    /** The module's route, the event to try, or a 400/404 already answered (null). */
    private record Trial(Route route, ObjectNode event, ObjectNode input) {
    }

    private Trial trial(RoutingContext ctx) {
        JsonNode input;
        try {
            input = MAPPER.readTree(ctx.body().asString() == null ? "" : ctx.body().asString());
        } catch (Exception e) {
            AdminApi.error(ctx, 400, "bad_json", "the body must be JSON: {\"module\": \"<integration>\", \"event\": {...}}");
            return null;
        }
        if (!(input instanceof ObjectNode in) || !in.path("module").isTextual()) {
            AdminApi.badParameter(ctx, new BadParameter("module", "the integration to try (its route id), as text"));
            return null;
        }
        if (!(in.get("event") instanceof ObjectNode event)) {
            AdminApi.badParameter(ctx, new BadParameter("event", "the event to try, a JSON object (as stored)"));
            return null;
        }
        String name = in.get("module").asText();
        Route route = modules.context().getRoute(name);
        if (route == null) {
            AdminApi.error(ctx, 404, "unknown_integration", "no running integration '" + name + "'");
            return null;
        }
        if (!route.getEndpoint().getEndpointUri().startsWith("drover-events:")
                || route.getRouteId() != null && isKafkaSink(name)) {
            AdminApi.error(ctx, 400, "not_http", "the playground tries HTTP modules; '" + name + "' writes to Kafka");
            return null;
        }
        return new Trial(route, event.deepCopy(), in);
    }

    private boolean isKafkaSink(String route) {
        for (Map.Entry<Path, List<String>> e : modules.modules().entrySet()) {
            if (e.getValue().contains(route)) {
                try {
                    return Files.readString(e.getKey()).contains("drover-kafka-sink");
                } catch (Exception ex) {
                    return false;
                }
            }
        }
        return false;
    }

    /** Runs the module's own steps (selection, vendor rules, request bean) on the event; nothing is sent. */
    @SuppressWarnings("unchecked")
    private ObjectNode dryRun(Trial t) throws Exception {
        Exchange exchange = t.route().getEndpoint().createExchange();
        List<Object> requests = new ArrayList<>();
        Recorder recorder = Recorder.capture(t.route().getRouteId());
        exchange.setProperty(Delivery.DRY_RUN, requests);
        exchange.setProperty(EventsConsumer.ATTEMPT, 1);
        exchange.setProperty(Recorder.PROPERTY, recorder.attempt(1));
        exchange.getIn().setBody(new ArrayList<>(List.of(t.event())));
        t.route().getProcessor().process(exchange);
        ObjectNode out = MAPPER.createObjectNode().put("module", t.route().getRouteId());
        if (exchange.getException() != null) {
            Throwable e = exchange.getException();
            out.put("error", Redactor.redact(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        List<Journey> recorded = recorder.recorded();
        if (!recorded.isEmpty()) {
            out.set("decision", recorded.get(0).toJson(Masking.SECRETS).get("decision"));
        }
        io.drover.destinations.api.Batch batch = exchange.getProperty(io.drover.destinations.api.Batch.PROPERTY,
                io.drover.destinations.api.Batch.class);
        if (batch != null) {
            String rejected = batch.rejectionReason(t.event());
            if (rejected != null) {
                out.put("rejected", Redactor.redact(rejected));
            }
        }
        ArrayNode list = out.putArray("requests");
        for (Object o : requests) {
            VendorRequest r = (VendorRequest) o;
            list.add(describe(r));
        }
        out.put("sent", false);
        return out;
    }

    private static ObjectNode describe(VendorRequest r) {
        ObjectNode o = MAPPER.createObjectNode().put("method", r.method()).put("url", Redactor.redact(r.url()));
        ObjectNode h = o.putObject("headers");
        r.headers().forEach((k, v) -> h.put(k, Masking.SECRETS.headerValue(k, v)));
        o.put("body", Redactor.redact(r.body()));
        o.put("events", r.events().size());
        return o;
    }

    private void playground(RoutingContext ctx) {
        if (refused(ctx) || !mayChange.test(ctx)) {
            return;
        }
        Trial t = trial(ctx);
        if (t == null) {
            return;
        }
        ctx.vertx().<ObjectNode>executeBlocking(() -> dryRun(t), false).onComplete(r -> {
            if (r.succeeded()) {
                json(ctx, 200, r.result());
            } else {
                AdminApi.error(ctx, 422, "module_failed", Redactor.redact(String.valueOf(r.cause().getMessage())));
            }
        });
    }

    /**
     * The module's requests sent to the vendor's validation endpoint: GA4's {@code /debug/mp/collect} (records
     * nothing, answers what is wrong), Meta's events endpoint with {@code test_event_code} (shown in Events Manager's
     * test tab, not counted). Other modules have none: 400.
     */
    private void validate(RoutingContext ctx) {
        if (refused(ctx) || !mayChange.test(ctx)) {
            return;
        }
        Trial t = trial(ctx);
        if (t == null) {
            return;
        }
        String code = t.input().path("testEventCode").asText("");
        ctx.vertx().<ObjectNode>executeBlocking(() -> {
            ObjectNode out = dryRun(t);
            ArrayNode answers = out.putArray("validation");
            TargetGuard guard = TargetGuard.of(modules.context());
            for (Object o : dryRunRequests(t)) {
                Validation.Answer answer;
                try {
                    answer = Validation.send((VendorRequest) o, code, guard);
                } catch (Validation.Unsupported e) {
                    throw new BadParameter(e.parameter(), e.getMessage());
                }
                answers.addObject().put("url", answer.url()).put("status", answer.status()).put("body", answer.body());
            }
            out.put("sent", true);
            return out;
        }, false).onComplete(r -> {
            if (r.succeeded()) {
                json(ctx, 200, r.result());
            } else if (r.cause() instanceof BadParameter e) {
                AdminApi.badParameter(ctx, e);
            } else {
                AdminApi.error(ctx, 502, "validation_failed", Redactor.redact(String.valueOf(r.cause().getMessage())));
            }
        });
    }

    private List<Object> dryRunRequests(Trial t) throws Exception {
        Exchange exchange = t.route().getEndpoint().createExchange();
        List<Object> requests = new ArrayList<>();
        exchange.setProperty(Delivery.DRY_RUN, requests);
        exchange.setProperty(EventsConsumer.ATTEMPT, 1);
        exchange.getIn().setBody(new ArrayList<>(List.of(t.event().deepCopy())));
        t.route().getProcessor().process(exchange);
        return requests;
    }

    // --- replay jobs ------------------------------------------------------------------------------------------

    /**
     * {@code POST /admin/integrations/<name>/replay-jobs[?since&until&status&reason]}, body optional
     * {@code {"letters": [{"partition": 0, "offset": 12}, ...]}} (a selection among those matching): 202 with the job,
     * whose progress {@code GET /admin/replay-jobs/<id>} gives.
     */
    private void replayJob(RoutingContext ctx) {
        if (refused(ctx) || !mayChange.test(ctx)) {
            return;
        }
        String name = ctx.pathParam("name");
        DeadLetterFilter filter;
        Set<String> selection = null;
        try {
            known(ctx, Set.copyOf(DeadLetterFilter.PARAMETERS));
            filter = DeadLetterFilter.parse(ctx.queryParams()::get);
            String text = ctx.body() == null ? null : ctx.body().asString();
            if (text != null && !text.isBlank()) {
                JsonNode body;
                try {
                    body = MAPPER.readTree(text);
                } catch (Exception e) {
                    throw new BadParameter("letters", "the body must be JSON: {\"letters\": [{\"partition\", \"offset\"}]}");
                }
                if (body.has("letters")) {
                    if (!body.get("letters").isArray() || body.get("letters").isEmpty()) {
                        throw new BadParameter("letters", "a non-empty list of {\"partition\", \"offset\"}");
                    }
                    selection = new HashSet<>();
                    for (JsonNode l : body.get("letters")) {
                        if (!l.path("partition").canConvertToInt() || !l.path("offset").canConvertToLong()
                                || !l.path("partition").isNumber() || !l.path("offset").isNumber()) {
                            throw new BadParameter("letters", "each letter is {\"partition\": n, \"offset\": n}");
                        }
                        selection.add(l.get("partition").asInt() + "-" + l.get("offset").asLong());
                    }
                }
            }
        } catch (BadParameter e) {
            AdminApi.badParameter(ctx, e);
            return;
        }
        String id = UUID.randomUUID().toString();
        ObjectNode job = MAPPER.createObjectNode().put("job", id).put("integration", name).put("state", "running")
                .put("replayed", 0).put("startedAt", java.time.Instant.now().toString());
        if (jobs.size() > 100) {
            jobs.entrySet().removeIf(e -> !"running".equals(e.getValue().path("state").asText()));
        }
        jobs.put(id, job);
        Set<String> chosen = selection;
        ctx.vertx().<Integer>executeBlocking(() -> Replay.run(bootstrapServers, name, filter,
                letter -> chosen == null || chosen.contains(letter.partition() + "-" + letter.offset()),
                n -> {
                    synchronized (job) {
                        job.put("replayed", n);
                    }
                }), false).onComplete(r -> {
            synchronized (job) {
                if (r.succeeded()) {
                    job.put("state", "done").put("replayed", r.result());
                } else {
                    job.put("state", "failed").put("error", r.cause() instanceof DeadLetterReader.NoDeadLetters
                            ? "no dead letters for '" + name + "'" : Redactor.redact(String.valueOf(r.cause().getMessage())));
                }
                job.put("endedAt", java.time.Instant.now().toString());
            }
        });
        synchronized (job) {
            json(ctx, 202, job.deepCopy());
        }
    }

    private void job(RoutingContext ctx) {
        if (refused(ctx)) {
            return;
        }
        ObjectNode job = jobs.get(ctx.pathParam("id"));
        if (job == null) {
            AdminApi.error(ctx, 404, "unknown_job", "no replay job " + ctx.pathParam("id"));
            return;
        }
        synchronized (job) {
            json(ctx, 200, job.deepCopy());
        }
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
