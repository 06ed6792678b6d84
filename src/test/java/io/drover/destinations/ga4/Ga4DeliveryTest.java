package io.drover.destinations.ga4;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.drover.testing.Http;
import io.drover.testing.Modules;
import io.drover.testing.TestDrover;
import io.drover.testing.TopicReader;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.noContent;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped GA4 module (integrations/ga4.yaml, copied as is) on the shared Drover against a stand-in Measurement
 * Protocol endpoint: it stays off until its API secret is set, then sends each visitor's events as GA4 events in
 * requests of one client and at most 25 events, retries throttling and server errors, and dead-letters what GA4
 * cannot take.
 */
class Ga4DeliveryTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TestDrover drover = TestDrover.shared();
    private static final Path module = drover.integrationsDir().resolve("ga4.yaml");
    private static final WireMockServer ga4 =
            new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
    private static final String MEASUREMENT_ID = "G-DELIVERY1";
    private static final String SECRET = "mp-secret-delivery";
    private static final String[] SETTINGS = {"ga4.measurement-id", "ga4.api-secret", "ga4.base-url", "ga4.debug"};

    @BeforeAll
    static void install() throws Exception {
        ga4.start();
        // The Measurement Protocol answers 2xx (204 No Content) to whatever it receives.
        ga4.stubFor(post(urlPathEqualTo("/mp/collect")).atPriority(10).willReturn(noContent()));
        System.setProperty("ga4.measurement-id", MEASUREMENT_ID);
        System.setProperty("ga4.base-url", "http://127.0.0.1:" + ga4.port());

        // Without its API secret the module does not start, and says which setting is missing.
        Modules.applied(drover, module,
                () -> Files.copy(Path.of("integrations/ga4.yaml"), module, StandardCopyOption.REPLACE_EXISTING));
        assertThat(admin()).contains("ga4.yaml")
                .contains("missing setting ga4.api-secret (environment variable GA4_API_SECRET)");
        assertThat(drover.server.integrations().modules().keySet()).noneMatch(p -> p.endsWith("ga4.yaml"));

        // With it, the same file starts (written again so that the watcher reloads it).
        System.setProperty("ga4.api-secret", SECRET);
        reload();
        assertThat(admin()).doesNotContain("missing setting ga4");
    }

    /** Copies the shipped module over again and waits until it runs with the settings as they are now. */
    private static void reload() throws Exception {
        Modules.running(drover, module,
                () -> Files.copy(Path.of("integrations/ga4.yaml"), module, StandardCopyOption.REPLACE_EXISTING));
    }

    @AfterAll
    static void remove() throws Exception {
        assertThat(TestDrover.LOGS.lines()).as("the API secret never reaches the logs").noneMatch(l -> l.contains(SECRET));
        Modules.removed(drover, module);
        for (String s : SETTINGS) {
            System.clearProperty(s);
        }
        ga4.stop();
    }

    @Test
    void aVisitorsPageAndPurchaseArriveAsGa4EventsWithTheirIdentifiers() throws Exception {
        String client = "1111." + Math.abs(UUID.randomUUID().getMostSignificantBits());
        String context = """
                {"ip":"203.0.113.9","userAgent":"Mozilla/5.0 (Test)",
                 "providers":{"google":{"clientId":"GA1.1.%s","sessionId":"1764324000"}},
                 "traits":{"email":"never@sent.example"}}""".formatted(client);
        // Within GA4's window (72 hours): a page two minutes ago, the purchase a minute later.
        java.time.Instant pageTime = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .minusSeconds(120);
        java.time.Instant orderTime = pageTime.plusMillis(60_500);
        ObjectNode page = (ObjectNode) MAPPER.readTree("""
                {"type":"page","anonymousId":"anon-%s","userId":"user-%s","timestamp":"%s",
                 "properties":{"url":"https://shop.example/p/1","title":"P1","referrer":"https://www.google.com/"},
                 "context":%s}""".formatted(client, client, pageTime, context));
        ObjectNode order = (ObjectNode) MAPPER.readTree("""
                {"type":"track","event":"Order Completed","anonymousId":"anon-%s","userId":"user-%s",
                 "timestamp":"%s",
                 "properties":{"order_id":"o-%s","revenue":20,"currency":"EUR",
                               "products":[{"product_id":"p-1","name":"Hat","price":10,"quantity":2}]},
                 "context":%s}""".formatted(client, client, orderTime, client, context));
        send(page, order);

        List<LoggedRequest> requests = awaitEvents(client, 2);
        ArrayNode events = MAPPER.createArrayNode();
        for (LoggedRequest r : requests) {
            assertThat(r.getUrl()).isEqualTo("/mp/collect?measurement_id=" + MEASUREMENT_ID + "&api_secret=" + SECRET);
            assertThat(r.getMethod().getName()).isEqualTo("POST");
            assertThat(r.getHeader("Content-Type")).startsWith("application/json");
            assertThat(r.getHeaders().keys()).noneMatch(h -> h.toLowerCase().startsWith("camel"));
            assertThat(r.getHeader("Authorization")).isNull();
            ObjectNode body = (ObjectNode) MAPPER.readTree(r.getBodyAsString());
            events.addAll((ArrayNode) body.remove("events"));
            assertThat(body).isEqualTo(MAPPER.readTree("""
                    {"client_id":"%s","user_id":"user-%s","ip_override":"203.0.113.9","user_agent":"Mozilla/5.0 (Test)"}
                    """.formatted(client, client)));
        }
        assertThat(events).isEqualTo(MAPPER.readTree("""
                [{"name":"page_view","timestamp_micros":%d,
                  "params":{"session_id":"1764324000","engagement_time_msec":1,"page_location":"https://shop.example/p/1",
                            "page_referrer":"https://www.google.com/","page_title":"P1"}},
                 {"name":"purchase","timestamp_micros":%d,
                  "params":{"session_id":"1764324000","engagement_time_msec":1,"transaction_id":"o-%s","currency":"EUR",
                            "value":20,"items":[{"item_id":"p-1","item_name":"Hat","price":10,"quantity":2}]}}]
                """.formatted(micros(pageTime), micros(orderTime), client)));
    }

    @Test
    void eachRequestCarriesOneClientAndAtMost25EventsKeepingTheirOrder() throws Exception {
        String a = "many-" + UUID.randomUUID(), b = "other-" + UUID.randomUUID();
        List<ObjectNode> batch = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            batch.add(track(a, "Step Done", "{\"n\":" + i + "}"));
            if (i == 10) {
                batch.add(track(b, "Step Done", "{\"n\":100}"));
            }
        }
        send(batch.toArray(ObjectNode[]::new));
        List<Integer> steps = new ArrayList<>();
        for (LoggedRequest r : awaitEvents(a, 30)) {
            JsonNode body = MAPPER.readTree(r.getBodyAsString());
            assertThat(body.get("client_id").asText()).isEqualTo(a);
            assertThat(body.get("events").size()).isBetween(1, 25);
            body.get("events").forEach(e -> steps.add(e.at("/params/n").asInt()));
        }
        assertThat(steps).isEqualTo(java.util.stream.IntStream.range(0, 30).boxed().toList());
        JsonNode other = MAPPER.readTree(awaitEvents(b, 1).get(0).getBodyAsString());
        assertThat(other.get("events")).hasSize(1);
    }

    @Test
    void aReservedEventNameIsDeadLetteredWithTheReason() throws Exception {
        String client = "reserved-" + UUID.randomUUID();
        ObjectNode reserved = track(client, "Session Start", "{}");
        ObjectNode fine = track(client, "Video Played", "{}");
        send(reserved, fine);
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.ga4")) {
            String id = reserved.get("messageId").asText();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !letters(dlq, id).isEmpty());
            JsonNode letter = letters(dlq, id).get(0).value();
            assertThat(letter.get("reason").asText()).contains("'session_start' is a reserved GA4 event name");
            assertThat(letter.at("/event/event").asText()).isEqualTo("Session Start");
            List<LoggedRequest> sent = awaitEvents(client, 1);
            assertThat(MAPPER.readTree(sent.get(0).getBodyAsString()).at("/events/0/name").asText()).isEqualTo("video_played");
            assertThat(letters(dlq, fine.get("messageId").asText())).isEmpty();
        }
    }

    @Test
    void throttlingAndServerErrorsAreRetriedUntilGa4TakesTheEvents() throws Exception {
        String client = "flaky-" + UUID.randomUUID();
        String scenario = "ga4-" + client;
        ga4.stubFor(post(urlPathEqualTo("/mp/collect")).withRequestBody(containing(client)).inScenario(scenario)
                .whenScenarioStateIs(STARTED).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1"))
                .willSetStateTo("throttled"));
        ga4.stubFor(post(urlPathEqualTo("/mp/collect")).withRequestBody(containing(client)).inScenario(scenario)
                .whenScenarioStateIs("throttled").willReturn(aResponse().withStatus(503)).willSetStateTo("recovered"));
        ga4.stubFor(post(urlPathEqualTo("/mp/collect")).withRequestBody(containing(client)).inScenario(scenario)
                .whenScenarioStateIs("recovered").willReturn(noContent()));
        ObjectNode event = track(client, "Video Played", "{}");
        send(event);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> requestsFor(client).size() >= 3);
        Modules.handled(drover, "ga4", event.get("messageId").asText());
        assertThat(requestsFor(client)).hasSize(3);
        assertThat(ga4.getAllScenarios().getScenarios().stream().filter(s -> s.getName().equals(scenario))
                .findFirst().orElseThrow().getState()).isEqualTo("recovered");
    }

    @Test
    void anEventOlderThan72HoursIsDeadLetteredAloneBeforeTheRequestAndTheFreshOneSent() throws Exception {
        String client = "backlog-" + UUID.randomUUID();
        // GA4 answers 2xx whatever it gets: an event older than its 72 hours would be lost without a word.
        ObjectNode old = track(client, "Video Played", "{}",
                java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).minus(Duration.ofHours(73)));
        ObjectNode fresh = track(client, "Video Paused", "{}");
        send(old, fresh);
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.ga4")) {
            String id = old.get("messageId").asText();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !letters(dlq, id).isEmpty());
            JsonNode letter = letters(dlq, id).get(0).value();
            assertThat(letter.get("reason").asText()).startsWith("older than GA4's 72 hours (event time ");
            assertThat(letter.has("requestId")).as("refused before any request was built").isFalse();
            Modules.handled(drover, "ga4", fresh.get("messageId").asText());
            dlq.awaitCaughtUp();
            assertThat(letters(dlq, fresh.get("messageId").asText())).isEmpty();
        }
        List<LoggedRequest> requests = awaitEvents(client, 1);
        assertThat(requests).hasSize(1);
        JsonNode events = MAPPER.readTree(requests.get(0).getBodyAsString()).get("events");
        assertThat(events.findValuesAsText("name")).containsExactly("video_paused");
        assertThat(Http.send("GET", drover.adminUrl("/observe/metrics"), null).body()).containsPattern(
                "drover_integration_refused_total\\{integration=\"ga4\",reason=\"too_old\"\\} [1-9]");
    }

    @Test
    void aValueWithoutItsCurrencyIsLeftOutAndCounted() throws Exception {
        String client = "nocurrency-" + UUID.randomUUID();
        ObjectNode order = track(client, "Order Completed", "{\"order_id\":\"o-1\",\"revenue\":20,\"tax\":2}");
        send(order);
        JsonNode params = MAPPER.readTree(awaitEvents(client, 1).get(0).getBodyAsString()).at("/events/0/params");
        assertThat(params.get("transaction_id").asText()).isEqualTo("o-1");
        // "If you set value then currency is required for revenue metrics": no value in an unknown currency.
        assertThat(params.has("value")).isFalse();
        assertThat(params.has("tax")).isFalse();
        assertThat(params.has("currency")).isFalse();
        assertThat(Http.send("GET", drover.adminUrl("/observe/metrics"), null).body()).containsPattern(
                "drover_integration_omitted_total\\{integration=\"ga4\",reason=\"no_currency\"\\} [1-9]");
    }

    @Test
    void aClientErrorIsDeadLetteredAtOnceWithGa4sAnswer() throws Exception {
        String client = "refused-" + UUID.randomUUID();
        ga4.stubFor(post(urlPathEqualTo("/mp/collect")).withRequestBody(containing(client))
                .willReturn(aResponse().withStatus(403).withBody("forbidden")));
        ObjectNode event = track(client, "Video Played", "{}");
        send(event);
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.ga4")) {
            String id = event.get("messageId").asText();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !letters(dlq, id).isEmpty());
            JsonNode letter = letters(dlq, id).get(0).value();
            assertThat(letter.get("status").asInt()).isEqualTo(403);
            assertThat(letter.get("responseBody").asText()).isEqualTo("forbidden");
            assertThat(dlq.requestOf(letter).at("/url").asText()).contains("measurement_id=" + MEASUREMENT_ID)
                    .doesNotContain(SECRET);
            assertThat(dlq.requestOf(letter).at("/body/client_id").asText()).isEqualTo(client);
        }
        assertThat(requestsFor(client)).hasSize(1);
    }

    @Test
    void inDebugModeTheValidationServersMessagesDeadLetterTheEventsTheyName() throws Exception {
        ga4.stubFor(post(urlPathEqualTo("/debug/mp/collect")).atPriority(10).willReturn(okJson("{\"validationMessages\":[]}")));
        System.setProperty("ga4.debug", "true");
        try {
            reload();
            String client = "debug-" + UUID.randomUUID();
            // Both in one request, the second is named; alone (if the batch was cut between them), the first.
            ga4.stubFor(post(urlPathEqualTo("/debug/mp/collect")).atPriority(1).withRequestBody(containing(client))
                    .withRequestBody(containing("video_played")).withRequestBody(containing("video_paused"))
                    .willReturn(okJson(validationMessage(1))));
            ga4.stubFor(post(urlPathEqualTo("/debug/mp/collect")).atPriority(2).withRequestBody(containing(client))
                    .withRequestBody(containing("video_paused")).willReturn(okJson(validationMessage(0))));
            ObjectNode good = track(client, "Video Played", "{}"), bad = track(client, "Video Paused", "{}");
            send(good, bad);
            try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.ga4")) {
                String badId = bad.get("messageId").asText();
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !letters(dlq, badId).isEmpty());
                assertThat(letters(dlq, badId).get(0).value().get("reason").asText())
                        .matches("GA4 validation VALUE_INVALID at events: Event at index: \\[[01]\\] has invalid params\\.");
                Modules.handled(drover, "ga4", good.get("messageId").asText());
                dlq.awaitCaughtUp();
                assertThat(letters(dlq, good.get("messageId").asText())).isEmpty();
            }
            LoggedRequest r = ga4.findAll(postRequestedFor(urlPathEqualTo("/debug/mp/collect"))
                    .withRequestBody(containing(client))).get(0);
            assertThat(r.getUrl()).isEqualTo("/debug/mp/collect?measurement_id=" + MEASUREMENT_ID + "&api_secret=" + SECRET);
            assertThat(requestsFor(client)).as("nothing went to the production endpoint").isEmpty();
        } finally {
            System.clearProperty("ga4.debug");
            reload();
        }
    }

    private static String validationMessage(int index) {
        return "{\"validationMessages\":[{\"fieldPath\":\"events\",\"validationCode\":\"VALUE_INVALID\","
                + "\"description\":\"Event at index: [" + index + "] has invalid params.\"}]}";
    }

    private static ObjectNode track(String anonymousId, String name, String properties) throws Exception {
        return track(anonymousId, name, properties,
                java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).minusSeconds(60));
    }

    private static ObjectNode track(String anonymousId, String name, String properties, java.time.Instant time)
            throws Exception {
        return (ObjectNode) MAPPER.readTree("""
                {"type":"track","event":"%s","anonymousId":"%s","messageId":"%s","timestamp":"%s",
                 "properties":%s}""".formatted(name, anonymousId, "ga4-" + UUID.randomUUID(), time, properties));
    }

    private static long micros(java.time.Instant t) {
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
    }

    private static void send(ObjectNode... events) {
        ArrayNode batch = MAPPER.createArrayNode();
        for (ObjectNode e : events) {
            batch.add(e);
        }
        assertThat(Http.post(drover.url("/v1/batch"), "{\"batch\":" + batch + "}", "Authorization", Http.basic(WEB_KEY))
                .status()).isEqualTo(200);
    }

    private static List<LoggedRequest> requestsFor(String client) {
        return ga4.findAll(postRequestedFor(urlPathEqualTo("/mp/collect")).withRequestBody(containing(client)));
    }

    /** Waits until GA4 received this many events for the client, and returns the requests that carried them. */
    private static List<LoggedRequest> awaitEvents(String client, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> requestsFor(client).stream()
                .mapToInt(r -> {
                    try {
                        return MAPPER.readTree(r.getBodyAsString()).get("events").size();
                    } catch (Exception e) {
                        return 0;
                    }
                }).sum() >= count);
        return requestsFor(client);
    }

    private static List<TopicReader.Event> letters(TopicReader dlq, String messageId) {
        return dlq.where(x -> messageId.equals(x.value().at("/event/messageId").asText()));
    }

    private static String admin() {
        return Http.send("GET", drover.adminUrl("/admin/integrations"), null).body();
    }
}
