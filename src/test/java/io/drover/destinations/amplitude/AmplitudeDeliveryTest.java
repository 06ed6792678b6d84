package io.drover.destinations.amplitude;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped Amplitude module (integrations/amplitude.yaml) on the shared Drover against a stand-in Amplitude: the
 * request as HTTP V2 documents it, a 400 naming bad events, a 429, and the module staying off without its API key.
 */
class AmplitudeDeliveryTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String API_KEY = "amp_delivery_test_key";
    private static final String MISSING = "missing setting amplitude.api-key (environment variable AMPLITUDE_API_KEY)";
    private static final TestDrover drover = TestDrover.shared();
    private static final Path module = drover.integrationsDir().resolve("amplitude.yaml");
    private static WireMockServer amplitude;
    private static String adminWithoutKey;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void install() throws Exception {
        amplitude = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        amplitude.start();
        amplitude.stubFor(post(urlEqualTo("/2/httpapi")).atPriority(10)
                .willReturn(okJson("{\"code\":200,\"events_ingested\":1}")));
        System.setProperty("amplitude.base-url", "http://127.0.0.1:" + amplitude.port());
        // Without its API key the module does not start, and says which setting is missing.
        Modules.applied(drover, module, () -> Files.copy(Path.of("integrations/amplitude.yaml"), module));
        assertThat(drover.server.integrations().errors().get(module)).isEqualTo(MISSING);
        adminWithoutKey = admin();
        System.setProperty("amplitude.api-key", API_KEY);
        Modules.running(drover, module,
                () -> Files.writeString(module, Files.readString(Path.of("integrations/amplitude.yaml")) + "\n"));
    }

    @AfterAll
    static void remove() throws Exception {
        Modules.removed(drover, module);
        System.clearProperty("amplitude.api-key");
        System.clearProperty("amplitude.base-url");
        amplitude.stop();
    }

    @Test
    void withoutItsApiKeyTheModuleDidNotStartAndSaidWhichSettingIsMissing() {
        assertThat(adminWithoutKey).contains("amplitude.yaml").contains(MISSING);
        assertThat(admin()).doesNotContain(MISSING);
    }

    @Test
    void aTrackAndAnIdentifyArePostedInOneRequestAsTheHttpV2ApiDocumentsThem() throws Exception {
        String user = "amp-user-" + run, anon = "anon-" + run, track = id("track"), identify = id("identify");
        send(trackEvent(user, anon, track), "{\"type\":\"identify\",\"userId\":\"" + user + "\",\"anonymousId\":\""
                + anon + "\",\"messageId\":\"" + identify + "\",\"timestamp\":\"2026-11-28T10:00:01.000Z\","
                + "\"traits\":{\"plan\":\"pro\"},\"context\":{\"ip\":\"203.0.113.9\"}}");
        LoggedRequest request = await(identify, 1).get(0);
        assertThat(request.getUrl()).isEqualTo("/2/httpapi");
        assertThat(request.getMethod().getName()).isEqualTo("POST");
        assertThat(request.getHeader("Content-Type")).startsWith("application/json");
        long ms = Instant.parse("2026-11-28T10:00:00.000Z").toEpochMilli();
        assertThat(MAPPER.readTree(request.getBodyAsString())).isEqualTo(MAPPER.readTree("""
                {"api_key":"%s","events":[
                 {"user_id":"%s","device_id":"%s","event_type":"Song Played","time":%d,"insert_id":"%s",
                  "event_properties":{"title":"Aria"},"ip":"203.0.113.9","platform":"Web","language":"fr-FR"},
                 {"user_id":"%s","device_id":"%s","event_type":"$identify","time":%d,"insert_id":"%s",
                  "user_properties":{"$set":{"plan":"pro"}},"ip":"203.0.113.9"}]}
                """.formatted(API_KEY, user, anon, ms, track, user, anon, ms + 1000, identify)));
    }

    @Test
    void eventsAmplitudeNamesInA400AreDeadLetteredAndTheOthersSentAgain() throws Exception {
        String user = "amp-user-" + run, good = id("good"), bad = id("bad");
        amplitude.stubFor(post(urlEqualTo("/2/httpapi")).withRequestBody(containing(good)).withRequestBody(containing(bad))
                .willReturn(aResponse().withStatus(400).withBody("{\"code\":400,\"error\":\"Invalid field values on some"
                        + " events\",\"events_with_invalid_fields\":{\"time\":[1]}}")));
        send(trackEvent(user, "anon-" + run, good), trackEvent(user, "anon-" + run, bad));
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.amplitude")) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !letters(dlq, bad).isEmpty());
            JsonNode letter = letters(dlq, bad).get(0).value();
            assertThat(letter.get("reason").asText()).isEqualTo("Amplitude refused the event: invalid field time");
            assertThat(dlq.requestOf(letter).at("/body/events/1/insert_id").asText()).isEqualTo(bad);
            List<LoggedRequest> withGood = await(good, 2);
            JsonNode resent = MAPPER.readTree(withGood.get(1).getBodyAsString()).get("events");
            assertThat(resent).hasSize(1);
            assertThat(resent.get(0).get("insert_id").asText()).isEqualTo(good);
            // The batch is done, its dead letters written.
            Modules.handled(drover, "amplitude", good);
            dlq.awaitCaughtUp();
            assertThat(letters(dlq, good)).isEmpty();
        }
    }

    @Test
    void aThrottledRequestIsSentAgainAfterRetryAfter() throws Exception {
        String user = "amp-user-" + run, throttled = id("throttled");
        amplitude.stubFor(post(urlEqualTo("/2/httpapi")).withRequestBody(containing(throttled)).inScenario(run)
                .whenScenarioStateIs(STARTED).willSetStateTo("calm").willReturn(aResponse().withStatus(429)
                        .withHeader("Retry-After", "1").withBody("{\"code\":429,\"error\":\"Too many requests for some"
                                + " devices and users\",\"eps_threshold\":30,\"throttled_events\":[0]}")));
        send(trackEvent(user, "anon-" + run, throttled));
        List<LoggedRequest> requests = await(throttled, 2);
        assertThat(requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime())
                .as("Retry-After: 1 honoured").isGreaterThanOrEqualTo(900);
        assertThat(requests.get(1).getBodyAsString()).isEqualTo(requests.get(0).getBodyAsString());
    }

    private String id(String name) {
        return name + "-" + run + "-" + UUID.randomUUID();
    }

    private static String trackEvent(String user, String anon, String messageId) {
        return "{\"type\":\"track\",\"userId\":\"" + user + "\",\"anonymousId\":\"" + anon + "\",\"event\":\"Song Played\","
                + "\"messageId\":\"" + messageId + "\",\"timestamp\":\"2026-11-28T10:00:00.000Z\","
                + "\"properties\":{\"title\":\"Aria\"},\"context\":{\"ip\":\"203.0.113.9\",\"locale\":\"fr-FR\","
                + "\"page\":{\"url\":\"https://shop.example/aria\"}}}";
    }

    private static void send(String... events) {
        assertThat(Http.post(drover.url("/v1/batch"), "{\"batch\":[" + String.join(",", events) + "]}",
                "Authorization", Http.basic(WEB_KEY)).status()).isEqualTo(200);
    }

    private static List<LoggedRequest> await(String id, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> requestsWith(id).size() >= count);
        return requestsWith(id);
    }

    private static List<LoggedRequest> requestsWith(String id) {
        return amplitude.findAll(postRequestedFor(urlEqualTo("/2/httpapi")).withRequestBody(containing(id)));
    }

    private static List<TopicReader.Event> letters(TopicReader dlq, String id) {
        return dlq.where(x -> id.equals(x.value().at("/event/messageId").asText()));
    }

    private static String admin() {
        return Http.send("GET", drover.adminUrl("/admin/integrations"), null).body();
    }
}
