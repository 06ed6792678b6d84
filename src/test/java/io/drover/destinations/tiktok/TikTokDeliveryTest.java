package io.drover.destinations.tiktok;

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

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped TikTok module (integrations/tiktok.yaml, as is) on the shared Drover against a stand-in Events API:
 * the request TikTok gets, batching, a 200 whose code says throttled (retried) or bad parameters (dead-lettered),
 * the token kept out of dead letters and logs, and the module staying off while a secret is missing.
 */
class TikTokDeliveryTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PIXEL = "CTESTPIXEL0123456789";
    private static final String TOKEN = "tt_delivery_test_token_0123456789";
    private static final String PATH = "/open_api/v1.3/event/track/";
    private static final String OK = "{\"code\":0,\"message\":\"OK\",\"request_id\":\"r-ok\",\"data\":{}}";
    private static final TestDrover drover = TestDrover.shared();
    private static final Path module = drover.integrationsDir().resolve("tiktok.yaml");
    private static WireMockServer tiktok;
    private final String user = "tiktok-user-" + UUID.randomUUID();

    @BeforeAll
    static void install() throws Exception {
        tiktok = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        tiktok.start();
        tiktok.stubFor(post(urlEqualTo(PATH)).atPriority(10).willReturn(okJson(OK)));
        System.setProperty("tiktok.base-url", "http://127.0.0.1:" + tiktok.port());
        System.setProperty("tiktok.access-token", TOKEN);

        // Without its pixel code the module does not start, and says which setting is missing.
        Modules.applied(drover, module,
                () -> Files.copy(Path.of("integrations/tiktok.yaml"), module, StandardCopyOption.REPLACE_EXISTING));
        assertThat(drover.server.integrations().errors().get(module)).isEqualTo(
                "missing setting tiktok.pixel-code (environment variable TIKTOK_PIXEL_CODE)");
        assertThat(drover.server.integrations().modules().keySet()).doesNotContain(module);
        Modules.removed(drover, module);
        assertThat(admin()).doesNotContain("tiktok.yaml");

        System.setProperty("tiktok.pixel-code", PIXEL);
        Modules.running(drover, module,
                () -> Files.copy(Path.of("integrations/tiktok.yaml"), module, StandardCopyOption.REPLACE_EXISTING));
    }

    @AfterAll
    static void remove() throws Exception {
        Modules.removed(drover, module);
        System.clearProperty("tiktok.base-url");
        System.clearProperty("tiktok.pixel-code");
        System.clearProperty("tiktok.access-token");
        tiktok.stop();
    }

    @Test
    void anOrderIsPostedAsPurchaseWithTheTokenInItsHeader() throws Exception {
        String id = "tiktok-order-" + UUID.randomUUID();
        ObjectNode order = GoldenFiles.event("order-completed");
        order.put("messageId", id);
        send(user, order);

        LoggedRequest request = awaitRequests(id, 1).get(0);
        assertThat(request.getMethod().getName()).isEqualTo("POST");
        assertThat(request.getUrl()).isEqualTo(PATH);
        assertThat(request.getHeader("Access-Token")).isEqualTo(TOKEN);
        assertThat(request.getHeader("Content-Type")).startsWith("application/json");
        assertThat(request.getHeaders().keys()).noneMatch(h -> h.toLowerCase().startsWith("camel"));
        assertThat(request.getHeader("Authorization")).isNull();

        // The whole body is the bean's mapping of the event as Drover stored it ...
        TikTokRequest bean = new TikTokRequest();
        bean.setPixelCode(PIXEL);
        bean.setAccessToken(TOKEN);
        JsonNode stored = drover.topic.await(id).value();
        JsonNode expected = GoldenFiles.requests(bean, null, "POST", List.of((ObjectNode) stored)).get(0).get("body");
        JsonNode body = MAPPER.readTree(request.getBodyAsString());
        assertThat(body).isEqualTo(expected);
        // ... which is what TikTok documents.
        assertThat(body.get("event_source").asText()).isEqualTo("web");
        assertThat(body.get("event_source_id").asText()).isEqualTo(PIXEL);
        assertThat(body.get("data")).hasSize(1);
        JsonNode event = body.get("data").get(0);
        assertThat(event.get("event").asText()).isEqualTo("Purchase");
        assertThat(event.get("event_id").asText()).isEqualTo(id);
        assertThat(event.get("event_time").asLong()).isEqualTo(java.time.Instant.parse(stored.get("timestamp").asText())
                .getEpochSecond());
        assertThat(event.at("/user/email").asText()).isEqualTo(Hashing.sha256("jane.doe@example.com"));
        assertThat(event.at("/user/phone").asText()).isEqualTo(Hashing.sha256("+16505551234"));
        assertThat(event.at("/user/external_id").asText()).isEqualTo(Hashing.sha256(user));
        assertThat(event.at("/user/ttclid").asText()).isEqualTo("E.C.P.ttclid_test");
        assertThat(event.at("/user/ttp").asText()).isEqualTo("2Ab_ttp_test");
        assertThat(event.at("/page/url").asText()).startsWith("https://shop.example/products/sneaker-42");
        assertThat(event.at("/properties/value").decimalValue()).isEqualByComparingTo("179.98");
        assertThat(event.at("/properties/contents")).hasSize(2);
    }

    @Test
    void theEventsOfABatchShareOneRequestInOrder() throws Exception {
        String a = "tiktok-a-" + UUID.randomUUID(), b = "tiktok-b-" + UUID.randomUUID(), c = "tiktok-c-" + UUID.randomUUID();
        send(user, track(a, "Product Viewed"), track(b, "Level Up"), page(c));
        LoggedRequest request = awaitRequests(c, 1).get(0);
        JsonNode data = MAPPER.readTree(request.getBodyAsString()).get("data");
        assertThat(data).hasSize(3);
        assertThat(data.findValuesAsText("event_id")).containsExactly(a, b, c);
        assertThat(data.findValuesAsText("event")).containsExactly("ViewContent", "Level Up", "Pageview");
        assertThat(requestsWith(a)).hasSize(1);
    }

    @Test
    void aThrottledAnswerIsRetried() throws Exception {
        String id = "tiktok-throttled-" + UUID.randomUUID();
        String scenario = "throttled-" + id;
        tiktok.stubFor(post(urlEqualTo(PATH)).withRequestBody(containing(id)).inScenario(scenario)
                .whenScenarioStateIs(STARTED)
                .willReturn(okJson("{\"code\":40100,\"message\":\"Too many requests\",\"request_id\":\"r-1\"}"))
                .willSetStateTo("open"));
        tiktok.stubFor(post(urlEqualTo(PATH)).withRequestBody(containing(id)).inScenario(scenario)
                .whenScenarioStateIs("open").willReturn(okJson(OK)));
        send(user, track(id, "Product Added"));
        awaitRequests(id, 2);
        Modules.handled(drover, "tiktok", id);
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.tiktok")) {
            dlq.awaitCaughtUp();
            assertThat(letters(dlq, id)).isEmpty();
        }
        assertThat(requestsWith(id)).hasSize(2);
    }

    @Test
    void badParametersDeadLetterTheEventsWithTikToksAnswerAndNoToken() throws Exception {
        String id = "tiktok-bad-" + UUID.randomUUID();
        String answer = "{\"code\":40002,\"message\":\"Invalid value for event_time\",\"request_id\":\"r-bad\",\"data\":{}}";
        tiktok.stubFor(post(urlEqualTo(PATH)).withRequestBody(containing(id)).willReturn(okJson(answer)));
        send(user, track(id, "Order Completed"));
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.tiktok")) {
            JsonNode letter = awaitLetter(dlq, id);
            assertThat(letter.get("status").asInt()).isEqualTo(200);
            assertThat(letter.get("retryable").asBoolean()).isFalse();
            assertThat(letter.get("attempts").asInt()).isEqualTo(1);
            assertThat(letter.get("responseBody").asText()).isEqualTo(answer);
            assertThat(letter.get("reason").asText())
                    .isEqualTo("TikTok code 40002: Invalid value for event_time (request_id r-bad)");
            assertThat(dlq.requestOf(letter).at("/url").asText()).endsWith(PATH);
            assertThat(dlq.requestOf(letter).at("/body/data/0/event_id").asText()).isEqualTo(id);
            assertThat(letter.toString()).doesNotContain(TOKEN);
            assertThat(dlq.requestOf(letter).toString()).doesNotContain(TOKEN);
        }
        assertThat(requestsWith(id)).hasSize(1);
        assertThat(TestDrover.LOGS.lines()).noneMatch(l -> l.contains(TOKEN));
    }

    @Test
    void aValueWithoutItsCurrencyIsNotSentAsDollars() throws Exception {
        String id = "tiktok-nocur-" + UUID.randomUUID();
        ObjectNode order = track(id, "Order Completed");
        ((ObjectNode) order.get("properties")).remove("currency");
        ((ObjectNode) order.get("properties")).put("revenue", 25);
        send(user, order);
        JsonNode event = MAPPER.readTree(awaitRequests(id, 1).get(0).getBodyAsString()).at("/data/0");
        // A EUR shop's revenue must not count as dollars: no value rather than a value in an invented currency.
        assertThat(event.path("properties").has("value")).isFalse();
        assertThat(event.path("properties").has("currency")).isFalse();
        assertThat(event.get("event").asText()).isEqualTo("Purchase");
        assertThat(Http.send("GET", drover.adminUrl("/observe/metrics"), null).body()).containsPattern(
                "drover_integration_omitted_total\\{integration=\"tiktok\",reason=\"no_currency\"\\} [1-9]");
    }

    private static ObjectNode track(String id, String name) {
        ObjectNode e = MAPPER.createObjectNode().put("type", "track").put("event", name).put("messageId", id);
        e.putObject("properties").put("price", 10).put("currency", "EUR").put("product_id", "p-1");
        e.putObject("context").putObject("page").put("url", "https://shop.example/p");
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
        return tiktok.findAll(postRequestedFor(urlEqualTo(PATH)).withRequestBody(containing(id)));
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
