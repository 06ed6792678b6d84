package io.drover.destinations.meta;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.drover.testing.Http;
import io.drover.testing.Modules;
import io.drover.testing.TestDrover;
import io.drover.testing.TopicReader;
import io.drover.destinations.GoldenFiles;
import io.drover.destinations.Hashing;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped Meta module (integrations/meta.yaml, as is) on the shared Drover against a stand-in Graph API: the
 * request Meta gets, batching, Graph errors dead-lettered with Meta's answer, rate limits retried, the token kept out
 * of dead letters and logs, and the module staying off while a secret is missing.
 */
class MetaDeliveryTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PIXEL = "987654321";
    private static final String TOKEN = "EAAB_delivery_test_token_0123456789";
    private static final String PATH = "/v26.0/" + PIXEL + "/events";
    private static final TestDrover drover = TestDrover.shared();
    private static final Path module = drover.integrationsDir().resolve("meta.yaml");
    private static WireMockServer meta;
    private final String user = "meta-user-" + UUID.randomUUID();

    @BeforeAll
    static void install() throws Exception {
        meta = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        meta.start();
        meta.stubFor(post(urlPathEqualTo(PATH)).atPriority(10)
                .willReturn(okJson("{\"events_received\":1,\"messages\":[],\"fbtrace_id\":\"AbCdEf\"}")));
        System.setProperty("meta.base-url", "http://127.0.0.1:" + meta.port());
        System.setProperty("meta.pixel-id", PIXEL);

        // Without its access token the module does not start, and says which setting is missing.
        Modules.applied(drover, module,
                () -> Files.copy(Path.of("integrations/meta.yaml"), module, StandardCopyOption.REPLACE_EXISTING));
        assertThat(drover.server.integrations().errors().get(module)).isEqualTo(
                "missing setting meta.access-token (environment variable META_ACCESS_TOKEN)");
        assertThat(drover.server.integrations().modules().keySet()).doesNotContain(module);
        Modules.removed(drover, module);
        assertThat(admin()).doesNotContain("meta.yaml");

        System.setProperty("meta.access-token", TOKEN);
        Modules.running(drover, module,
                () -> Files.copy(Path.of("integrations/meta.yaml"), module, StandardCopyOption.REPLACE_EXISTING));
    }

    @AfterAll
    static void remove() throws Exception {
        Modules.removed(drover, module);
        System.clearProperty("meta.base-url");
        System.clearProperty("meta.pixel-id");
        System.clearProperty("meta.access-token");
        meta.stop();
    }

    @Test
    void anOrderIsPostedToTheGraphApiAsAPurchase() throws Exception {
        String id = "meta-order-" + UUID.randomUUID();
        ObjectNode order = GoldenFiles.event("order-completed");
        order.put("messageId", id).put("userId", user);
        send(user, order);

        LoggedRequest request = awaitRequests(id, 1).get(0);
        assertThat(request.getMethod().getName()).isEqualTo("POST");
        assertThat(request.getUrl()).isEqualTo(PATH + "?access_token=" + TOKEN);
        assertThat(request.getHeader("Content-Type")).startsWith("application/json");
        assertThat(request.getHeaders().keys()).noneMatch(h -> h.toLowerCase().startsWith("camel"));
        assertThat(request.getHeader("Authorization")).isNull();

        // The whole body is the bean's mapping of the event as Drover stored it ...
        MetaRequest bean = new MetaRequest();
        bean.setPixelId(PIXEL);
        bean.setAccessToken(TOKEN);
        JsonNode stored = drover.topic.await(id).value();
        JsonNode expected = GoldenFiles.requests(bean, null, "POST", List.of((ObjectNode) stored)).get(0).get("body");
        JsonNode body = MAPPER.readTree(request.getBodyAsString());
        assertThat(body).isEqualTo(expected);
        // ... which is what Meta documents.
        JsonNode event = body.get("data").get(0);
        assertThat(body.get("data")).hasSize(1);
        assertThat(event.get("event_name").asText()).isEqualTo("Purchase");
        assertThat(event.get("event_id").asText()).isEqualTo(id);
        assertThat(event.get("action_source").asText()).isEqualTo("website");
        assertThat(event.get("event_time").asLong()).isEqualTo(java.time.Instant.parse(stored.get("timestamp").asText())
                .getEpochSecond());
        assertThat(event.at("/user_data/em/0").asText()).isEqualTo(Hashing.sha256("jane.doe@example.com"));
        assertThat(event.at("/user_data/ph/0").asText()).isEqualTo(Hashing.sha256("16505551234"));
        assertThat(event.at("/user_data/external_id/0").asText()).isEqualTo(Hashing.sha256(user));
        assertThat(event.at("/user_data/fbp").asText()).isEqualTo("fb.1.1732780800000.1234567890");
        assertThat(event.at("/user_data/fbc").asText()).isEqualTo("fb.1.1732780800000.IwAR_fbclid_test");
        assertThat(event.at("/user_data/client_ip_address").asText()).isEqualTo("203.0.113.7");
        assertThat(event.at("/custom_data/value").decimalValue()).isEqualByComparingTo("179.98");
        assertThat(event.at("/custom_data/currency").asText()).isEqualTo("USD");
        assertThat(event.at("/custom_data/content_ids").toString()).isEqualTo("[\"sku-42\",\"sku-7\"]");
        assertThat(body.has("test_event_code")).isFalse();
    }

    @Test
    void theEventsOfABatchShareOneRequestInOrder() throws Exception {
        String a = "meta-a-" + UUID.randomUUID(), b = "meta-b-" + UUID.randomUUID(), c = "meta-c-" + UUID.randomUUID();
        send(user, track(a, "Signed Up"), track(b, "Level Up"), page(c));
        LoggedRequest request = awaitRequests(c, 1).get(0);
        JsonNode data = MAPPER.readTree(request.getBodyAsString()).get("data");
        assertThat(data).hasSize(3);
        assertThat(data.findValuesAsText("event_id")).containsExactly(a, b, c);
        assertThat(data.findValuesAsText("event_name")).containsExactly("CompleteRegistration", "Level Up", "PageView");
        assertThat(requestsWith(a)).hasSize(1);
    }

    @Test
    void aGraphErrorDeadLettersTheEventsWithMetasAnswerAndNoToken() throws Exception {
        String id = "meta-bad-" + UUID.randomUUID();
        String answer = "{\"error\":{\"message\":\"Invalid parameter\",\"type\":\"OAuthException\",\"code\":100,"
                + "\"error_subcode\":2804003,\"error_user_msg\":\"Event timestamp too old\",\"fbtrace_id\":\"A1b2C3\"}}";
        meta.stubFor(post(urlPathEqualTo(PATH)).withRequestBody(containing(id))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody(answer)));
        ObjectNode purchase = track(id, "Order Completed");
        ((ObjectNode) purchase.get("properties")).put("revenue", 10);   // a Purchase needs its value and currency
        send(user, purchase);
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.meta")) {
            JsonNode letter = awaitLetter(dlq, id);
            assertThat(letter.get("status").asInt()).isEqualTo(400);
            assertThat(letter.get("retryable").asBoolean()).isFalse();
            assertThat(letter.get("attempts").asInt()).isEqualTo(1);
            assertThat(letter.get("responseBody").asText()).isEqualTo(answer);
            assertThat(letter.get("reason").asText()).contains("100/2804003").contains("fbtrace_id A1b2C3");
            assertThat(dlq.requestOf(letter).at("/url").asText()).endsWith(PATH + "?access_token=xxxxxx");
            assertThat(dlq.requestOf(letter).at("/body/data/0/event_id").asText()).isEqualTo(id);
            assertThat(letter.toString()).doesNotContain(TOKEN);
            assertThat(dlq.requestOf(letter).toString()).doesNotContain(TOKEN);
        }
        assertThat(requestsWith(id)).hasSize(1);
        assertThat(TestDrover.LOGS.lines()).noneMatch(l -> l.contains(TOKEN));
    }

    @Test
    void aRateLimitErrorIsRetried() throws Exception {
        String id = "meta-throttled-" + UUID.randomUUID();
        String scenario = "throttled-" + id;
        meta.stubFor(post(urlPathEqualTo(PATH)).withRequestBody(containing(id)).inScenario(scenario)
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody(
                        "{\"error\":{\"message\":\"(#17) User request limit reached\",\"code\":17,\"fbtrace_id\":\"X\"}}"))
                .willSetStateTo("open"));
        meta.stubFor(post(urlPathEqualTo(PATH)).withRequestBody(containing(id)).inScenario(scenario)
                .whenScenarioStateIs("open").willReturn(okJson("{\"events_received\":1,\"fbtrace_id\":\"Y\"}")));
        send(user, track(id, "Product Added"));
        awaitRequests(id, 2);
        Modules.handled(drover, "meta", id);
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.meta")) {
            dlq.awaitCaughtUp();
            assertThat(letters(dlq, id)).isEmpty();
        }
        assertThat(requestsWith(id)).hasSize(2);
        assertThat(TestDrover.LOGS.lines()).noneMatch(l -> l.contains(TOKEN));
    }

    @Test
    void fewerEventsReceivedThanSentIsNotRetriedNorDeadLettered() throws Exception {
        String id = "meta-partial-" + UUID.randomUUID();
        meta.stubFor(post(urlPathEqualTo(PATH)).withRequestBody(containing(id))
                .willReturn(okJson("{\"events_received\":0,\"messages\":[],\"fbtrace_id\":\"Z\"}")));
        send(user, track(id, "Product Viewed"));
        awaitRequests(id, 1);
        Modules.handled(drover, "meta", id);
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.meta")) {
            dlq.awaitCaughtUp();
            assertThat(letters(dlq, id)).isEmpty();
        }
        assertThat(requestsWith(id)).hasSize(1);
    }

    @Test
    void anEventOlderThanSevenDaysIsDeadLetteredAloneAndTheFreshOnesAreSent() throws Exception {
        // Meta, as it documents: "If any event_time in data is greater than 7 days in the past, we return an error for
        // the entire request and process no events."
        long weekAgo = java.time.Instant.now().minus(Duration.ofDays(7)).getEpochSecond();
        String tooOld = "{\"error\":{\"message\":\"Invalid parameter\",\"type\":\"OAuthException\",\"code\":100,"
                + "\"error_subcode\":2804003,\"error_user_title\":\"Event Timestamp Too Old\",\"fbtrace_id\":\"Old1\"}}";
        meta.stubFor(post(urlPathEqualTo(PATH)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.data[?(@.event_time < " + weekAgo + ")]"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody(tooOld)));
        String a = "meta-fresh-a-" + UUID.randomUUID(), old = "meta-old-" + UUID.randomUUID(),
                b = "meta-fresh-b-" + UUID.randomUUID();
        ObjectNode backlog = track(old, "Product Added");
        backlog.put("timestamp", java.time.Instant.now().minus(Duration.ofDays(8)).truncatedTo(
                java.time.temporal.ChronoUnit.MILLIS).toString());
        send(user, track(a, "Product Added"), backlog, track(b, "Product Added"));

        awaitRequests(b, 1);
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.meta")) {
            JsonNode letter = awaitLetter(dlq, old);
            assertThat(letter.get("reason").asText()).startsWith("older than Meta's 7 days (event time ");
            assertThat(letter.has("status")).as("never sent: refused before the request was built").isFalse();
            dlq.awaitCaughtUp();
            assertThat(letters(dlq, a)).isEmpty();
            assertThat(letters(dlq, b)).isEmpty();
        }
        assertThat(requestsWith(old)).isEmpty();
        assertThat(requestsWith(a)).hasSize(1);
        assertThat(Http.send("GET", drover.adminUrl("/observe/metrics"), null).body()).containsPattern(
                "drover_integration_refused_total\\{integration=\"meta\",reason=\"too_old\"\\} [1-9]");
    }

    @Test
    void aValueWithoutItsCurrencyIsNotSentAsDollarsAndAPurchaseWithoutOneIsRefusedAlone() throws Exception {
        String product = "meta-nocur-" + UUID.randomUUID(), purchase = "meta-nocur-order-" + UUID.randomUUID();
        ObjectNode added = track(product, "Product Added");
        ((ObjectNode) added.get("properties")).remove("currency");
        ObjectNode order = track(purchase, "Order Completed");
        ((ObjectNode) order.get("properties")).remove("currency");
        ((ObjectNode) order.get("properties")).put("revenue", 30);
        send(user, added, order);

        JsonNode event = sent(product);
        assertThat(event.get("event_name").asText()).isEqualTo("AddToCart");
        assertThat(event.at("/custom_data").has("value")).as("no value in a currency nobody gave").isFalse();
        assertThat(event.at("/custom_data").has("currency")).isFalse();
        assertThat(event.at("/custom_data/content_ids/0").asText()).isEqualTo("p-1");
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.meta")) {
            assertThat(awaitLetter(dlq, purchase).get("reason").asText())
                    .startsWith("Meta: a Purchase needs its value and currency");
        }
        assertThat(requestsWith(purchase)).isEmpty();
        String metrics = Http.send("GET", drover.adminUrl("/observe/metrics"), null).body();
        assertThat(metrics).containsPattern(
                "drover_integration_omitted_total\\{integration=\"meta\",reason=\"no_currency\"\\} [1-9]");
        assertThat(metrics).containsPattern(
                "drover_integration_refused_total\\{integration=\"meta\",reason=\"missing_field\"\\} [1-9]");
    }

    @Test
    void anEventWithoutThePageItHappenedOnIsNotLabelledAWebsiteEvent() throws Exception {
        String backend = "meta-backend-" + UUID.randomUUID(), browser = "meta-browser-" + UUID.randomUUID();
        ObjectNode fromBackend = track(backend, "Subscription Renewed");
        ((ObjectNode) fromBackend.get("context")).remove("page");
        send(user, fromBackend, track(browser, "Subscription Renewed"));
        // Website events "require the client_user_agent, action_source, and event_source_url parameters": an event
        // that does not say which page it happened on is not labelled one.
        JsonNode sentFromBackend = sent(backend);
        assertThat(sentFromBackend.get("action_source").asText()).isEqualTo("other");
        assertThat(sentFromBackend.has("event_source_url")).isFalse();
        JsonNode sentFromBrowser = sent(browser);
        assertThat(sentFromBrowser.get("action_source").asText()).isEqualTo("website");
        assertThat(sentFromBrowser.get("event_source_url").asText()).isEqualTo("https://shop.example/p");
    }

    /** The server event Meta got for this id (its request awaited). */
    private static JsonNode sent(String id) throws Exception {
        for (JsonNode e : MAPPER.readTree(awaitRequests(id, 1).get(0).getBodyAsString()).get("data")) {
            if (id.equals(e.path("event_id").asText())) {
                return e;
            }
        }
        throw new AssertionError("no event " + id + " in its request");
    }

    private static ObjectNode track(String id, String name) {
        ObjectNode e = MAPPER.createObjectNode().put("type", "track").put("event", name).put("messageId", id);
        e.putObject("properties").put("price", 10).put("currency", "EUR").put("product_id", "p-1");
        e.putObject("context").put("userAgent", "Mozilla/5.0 (test)").putObject("page").put("url", "https://shop.example/p");
        return e;
    }

    private static ObjectNode page(String id) {
        ObjectNode e = MAPPER.createObjectNode().put("type", "page").put("name", "Home").put("messageId", id);
        e.putObject("properties").put("url", "https://shop.example/");
        return e;
    }

    private static void send(String user, ObjectNode... events) {
        StringBuilder batch = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < events.length; i++) {
            batch.append(i == 0 ? "" : ",").append(events[i].put("userId", user));
        }
        assertThat(Http.post(drover.url("/v1/batch"), batch + "]}", "Authorization", Http.basic(WEB_KEY)).status())
                .isEqualTo(200);
    }

    private static List<LoggedRequest> requestsWith(String id) {
        return meta.findAll(postRequestedFor(urlPathEqualTo(PATH)).withRequestBody(containing(id)));
    }

    private static List<LoggedRequest> awaitRequests(String id, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> requestsWith(id).size() >= count);
        return requestsWith(id);
    }

    private static JsonNode awaitLetter(TopicReader dlq, String id) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !letters(dlq, id).isEmpty());
        return letters(dlq, id).get(0).value();
    }

    private static List<TopicReader.Event> letters(TopicReader dlq, String id) {
        return dlq.where(e -> id.equals(e.value().at("/event/messageId").asText()));
    }

    private static String admin() {
        return Http.send("GET", drover.adminUrl("/admin/integrations"), null).body();
    }
}
