package io.drover.destinations.braze;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
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
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped Braze module (integrations/braze.yaml, as is) on the shared Drover against a stand-in Braze instance:
 * ingestion, the module's consumer, the /users/track requests, and Braze's answers (non-fatal errors, 400, 429).
 */
class BrazeDeliveryTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String KEY = "braze-rest-key-test";
    private static final TestDrover drover = TestDrover.shared();
    private static final Path module = drover.integrationsDir().resolve("braze.yaml");
    private static WireMockServer braze;

    @BeforeAll
    static void install() throws Exception {
        braze = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        braze.start();
        braze.stubFor(post(anyUrl()).atPriority(10).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"message\":\"success\"}")));
        System.setProperty("braze.base-url", "http://127.0.0.1:" + braze.port());
        System.clearProperty("braze.api-key");

        // Without its key the module does not start, says which setting is missing, and nothing is sent.
        Modules.applied(drover, module, () -> Files.copy(Path.of("integrations/braze.yaml"), module));
        assertThat(drover.server.integrations().errors().get(module))
                .isEqualTo("missing setting braze.api-key (environment variable BRAZE_API_KEY)");
        String off = "off-" + UUID.randomUUID();
        send(track("braze-off", "Off", off));

        System.setProperty("braze.api-key", KEY);
        Modules.running(drover, module,
                () -> Files.writeString(module, Files.readString(Path.of("integrations/braze.yaml")) + "\n# key set\n"));
        // Done with by the module's consumer group (acknowledged before the module ran, it is not its own).
        Modules.handled(drover, "braze", off);
        assertThat(requestsWith("\"Off\"")).as("nothing was sent while the key was missing").isEmpty();
    }

    @AfterAll
    static void remove() throws Exception {
        Modules.removed(drover, module);
        System.clearProperty("braze.base-url");
        System.clearProperty("braze.api-key");
        braze.stop();
    }

    @Test
    void identifyTrackAndOrderGoToUsersTrackWithTheBearerKey() throws Exception {
        String user = "braze-" + UUID.randomUUID();
        ObjectNode identify = event("identify", user, "id-" + UUID.randomUUID());
        identify.putObject("traits").put("email", "ann@example.com").put("firstName", "Ann").put("plan", "pro");
        ObjectNode track = track(user, "Video Played", "tr-" + UUID.randomUUID());
        ((ObjectNode) track.get("properties")).put("video_id", "v-1");
        ObjectNode order = track(user, "Order Completed", "or-" + UUID.randomUUID());
        ((ObjectNode) order.get("properties")).put("order_id", "o-1").put("currency", "EUR").putArray("products")
                .addObject().put("product_id", "sku-1").put("price", 12.5).put("quantity", 2);
        send(identify, track, order);

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> merged(requestsWith(user)).size() == 3);
        List<LoggedRequest> requests = requestsWith(user);
        for (LoggedRequest r : requests) {
            assertThat(r.getUrl()).isEqualTo("/users/track");
            assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + KEY);
            assertThat(r.getHeader("Content-Type")).startsWith("application/json");
            assertThat(r.getHeaders().keys()).noneMatch(h -> h.toLowerCase().startsWith("camel"));
        }
        String time = drover.topic.await(track.get("messageId").asText()).text("timestamp");
        assertThat(merged(requests)).isEqualTo(MAPPER.readTree("""
                {"attributes":[{"external_id":"%1$s","email":"ann@example.com","first_name":"Ann","plan":"pro"}],
                 "events":[{"external_id":"%1$s","name":"Video Played","time":"%2$s",
                            "properties":{"video_id":"v-1"}}],
                 "purchases":[{"external_id":"%1$s","product_id":"sku-1","currency":"EUR","price":12.5,"quantity":2,
                               "time":"%2$s","properties":{"order_id":"o-1"}}]}""".formatted(user, time)));
    }

    @Test
    void anObjectBrazeRefusesInA201IsDeadLetteredWithItsReasonAndTheRestIsDelivered() throws Exception {
        String user = "braze-" + UUID.randomUUID();
        String bad = "Bad " + UUID.randomUUID();
        braze.stubFor(post(urlEqualTo("/users/track")).withRequestBody(containing(bad)).willReturn(aResponse()
                .withStatus(201).withBody("{\"message\":\"success\",\"errors\":[{\"type\":\"'name' is invalid\","
                        + "\"input_array\":\"events\",\"index\":0}]}")));
        ObjectNode badEvent = track(user, bad, "bad-" + UUID.randomUUID());
        ObjectNode goodEvent = track(user, "Good", "good-" + UUID.randomUUID());
        send(badEvent, goodEvent);
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.braze")) {
            JsonNode letter = awaitLetter(dlq, badEvent.get("messageId").asText());
            assertThat(letter.get("reason").asText()).isEqualTo("Braze: 'name' is invalid (events[0])");
            assertThat(dlq.requestOf(letter).at("/url").asText()).endsWith("/users/track");
            assertThat(dlq.requestOf(letter).at("/body/events/0/name").asText()).isEqualTo(bad);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !requestsWith("\"Good\"").isEmpty());
            Modules.handled(drover, "braze", goodEvent.get("messageId").asText());
            dlq.awaitCaughtUp();
            assertThat(letters(dlq, goodEvent.get("messageId").asText())).isEmpty();
        }
    }

    @Test
    void a400DeadLettersTheRequestsEventsAtOnce() throws Exception {
        String user = "braze-" + UUID.randomUUID();
        braze.stubFor(post(urlEqualTo("/users/track")).withRequestBody(containing(user)).willReturn(aResponse()
                .withStatus(400).withBody("{\"message\":\"Bad Request\"}")));
        ObjectNode e = track(user, "Rejected", "rej-" + UUID.randomUUID());
        send(e);
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.braze")) {
            JsonNode letter = awaitLetter(dlq, e.get("messageId").asText());
            assertThat(letter.get("status").asInt()).isEqualTo(400);
            assertThat(letter.get("retryable").asBoolean()).isFalse();
            assertThat(letter.get("attempts").asInt()).isEqualTo(1);
            assertThat(letter.get("responseBody").asText()).contains("Bad Request");
        }
        assertThat(requestsWith(user)).hasSize(1);
    }

    @Test
    void a429IsRetriedUntilBrazeTakesTheRequest() {
        String user = "braze-" + UUID.randomUUID();
        String scenario = "throttled-" + user;
        braze.stubFor(post(urlEqualTo("/users/track")).withRequestBody(containing(user)).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(429)
                        .withHeader("Retry-After", "1")).willSetStateTo("open"));
        braze.stubFor(post(urlEqualTo("/users/track")).withRequestBody(containing(user)).inScenario(scenario)
                .whenScenarioStateIs("open").willReturn(aResponse().withStatus(201).withBody("{\"message\":\"success\"}")));
        send(track(user, "Throttled", "thr-" + UUID.randomUUID()));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> requestsWith(user).size() == 2);
        assertThat(braze.getAllScenarios().getScenarios().stream().filter(s -> s.getName().equals(scenario))
                .findFirst().orElseThrow().getState()).isEqualTo("open");
    }

    @Test
    void anIdentifyWithBothIdsMergesTheAnonymousProfileOnceTheBatchIsWritten() throws Exception {
        String user = "braze-" + UUID.randomUUID();
        String anonymous = "anon-" + UUID.randomUUID();
        ObjectNode browsing = track(null, "Product Viewed", "pv-" + UUID.randomUUID()).put("anonymousId", anonymous);
        ObjectNode identify = event("identify", user, "id-" + UUID.randomUUID()).put("anonymousId", anonymous);
        identify.putObject("traits").put("email", "bo@example.com");
        send(browsing, identify);

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> identifies(user).size() == 1
                && !requestsWith("bo@example.com").isEmpty());
        LoggedRequest merge = identifies(user).get(0);
        assertThat(merge.getHeader("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(MAPPER.readTree(merge.getBodyAsString())).isEqualTo(MAPPER.readTree("""
                {"aliases_to_identify":[{"external_id":"%s",
                  "user_alias":{"alias_name":"%s","alias_label":"anonymous_id"}}]}""".formatted(user, anonymous)));
        // The anonymous event went to the alias profile, then the merge folded it into the user (newest first here).
        List<String> served = braze.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getBodyAsString().contains(anonymous)).map(e -> e.getRequest().getUrl()).toList();
        assertThat(served).containsExactly("/users/identify", "/users/track");
        assertThat(requestsWith(anonymous).get(0).getBodyAsString()).contains("bo@example.com");
        Modules.handled(drover, "braze", identify.get("messageId").asText());
    }

    @Test
    void aMergeThatFailsAfterItsTrackRequestIsSentAgainWithIt() {
        String user = "braze-" + UUID.randomUUID();
        String scenario = "merge-fails-" + user;
        braze.stubFor(post(urlEqualTo("/users/identify")).withRequestBody(containing(user)).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        braze.stubFor(post(urlEqualTo("/users/identify")).withRequestBody(containing(user)).inScenario(scenario)
                .whenScenarioStateIs("up").willReturn(aResponse().withStatus(201).withBody("{\"message\":\"success\"}")));
        ObjectNode identify = event("identify", user, "id-" + UUID.randomUUID()).put("anonymousId", "anon-" + UUID.randomUUID());
        identify.putObject("traits").put("plan", "pro");
        send(identify);
        // The identify is carried by both calls: its track request's success does not deliver it, so the retry
        // sends both (the attributes again, the same) and the merge is not lost.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> identifies(user).size() == 2);
        assertThat(requestsWith(user)).hasSize(2);
        Modules.handled(drover, "braze", identify.get("messageId").asText());
        assertThat(braze.getAllScenarios().getScenarios().stream().filter(s -> s.getName().equals(scenario))
                .findFirst().orElseThrow().getState()).isEqualTo("up");
    }

    @Test
    void aMergeBrazeRefusesDeadLettersTheIdentifyAndTheOtherEventsGoOn() throws Exception {
        String user = "braze-" + UUID.randomUUID();
        braze.stubFor(post(urlEqualTo("/users/identify")).withRequestBody(containing(user)).willReturn(aResponse()
                .withStatus(400).withBody("{\"message\":\"Invalid alias\"}")));
        ObjectNode identify = event("identify", user, "id-" + UUID.randomUUID()).put("anonymousId", "anon-" + UUID.randomUUID());
        identify.putObject("traits").put("email", "refused-" + user + "@example.com");
        ObjectNode other = track(user, "After", "after-" + UUID.randomUUID());
        send(identify, other);
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.braze")) {
            JsonNode letter = awaitLetter(dlq, identify.get("messageId").asText());
            assertThat(letter.get("reason").asText())
                    .isEqualTo("Braze refused the alias merge (/users/identify, 400): {\"message\":\"Invalid alias\"}");
            assertThat(dlq.requestOf(letter).at("/url").asText()).endsWith("/users/identify");
            Modules.handled(drover, "braze", other.get("messageId").asText());
        }
        assertThat(requestsWith("\"After\"")).hasSize(1);
        assertThat(identifies(user)).hasSize(1);
    }

    private static List<LoggedRequest> identifies(String user) {
        return braze.findAll(postRequestedFor(urlEqualTo("/users/identify")).withRequestBody(containing(user)));
    }

    /** The objects of this user's requests, array by array. */
    private static JsonNode merged(List<LoggedRequest> requests) throws Exception {
        ObjectNode all = MAPPER.createObjectNode();
        for (LoggedRequest r : requests) {
            JsonNode body = MAPPER.readTree(r.getBodyAsString());
            for (String array : List.of("attributes", "events", "purchases")) {
                body.path(array).forEach(o -> ((ArrayNode) all.withArray(array)).add(o));
            }
        }
        return all;
    }

    private static JsonNode awaitLetter(TopicReader dlq, String messageId) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !letters(dlq, messageId).isEmpty());
        return letters(dlq, messageId).get(0).value();
    }

    private static List<TopicReader.Event> letters(TopicReader dlq, String messageId) {
        return dlq.where(x -> messageId.equals(x.value().at("/event/messageId").asText()));
    }

    private static ObjectNode event(String type, String user, String messageId) {
        ObjectNode e = MAPPER.createObjectNode().put("type", type).put("messageId", messageId)
                .put("timestamp", "2024-11-28T08:00:00.000Z");
        return user == null ? e : e.put("userId", user);
    }

    private static ObjectNode track(String user, String name, String messageId) {
        ObjectNode e = event("track", user, messageId).put("event", name);
        e.putObject("properties");
        return e;
    }

    private static void send(ObjectNode... events) {
        ObjectNode batch = MAPPER.createObjectNode();
        batch.putArray("batch").addAll(List.of(events));
        assertThat(Http.post(drover.url("/v1/batch"), batch.toString(), "Authorization", Http.basic(WEB_KEY)).status())
                .isEqualTo(200);
    }

    private static List<LoggedRequest> requestsWith(String text) {
        return braze.findAll(postRequestedFor(urlEqualTo("/users/track")).withRequestBody(containing(text)));
    }
}
