package io.drover.destinations.snapchat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.drover.testing.TopicReader;
import io.drover.destinations.ModuleUnderTest;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.drover.destinations.ModuleUnderTest.fixture;
import static io.drover.destinations.ModuleUnderTest.id;
import static io.drover.destinations.ModuleUnderTest.letters;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped {@code integrations/snapchat.yaml} on the shared Drover against a stand-in for Snap's
 * {@code tr.snapchat.com}: events in through the ingestion API, Snap's v3 request out, Snap's refusals dead-lettered,
 * throttling retried.
 */
class SnapchatDeliveryTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PATH = "/v3/c0ffee00-1234-4abc-9def-000000000042/events";
    private static WireMockServer snap;
    private static ModuleUnderTest module;

    @BeforeAll
    static void install() throws Exception {
        snap = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        snap.start();
        snap.stubFor(post(urlPathEqualTo(PATH)).atPriority(10)
                .willReturn(okJson("{\"status\":\"VALID\",\"reason\":\"All events processed\"}")));
        module = ModuleUnderTest.install("snapchat", Map.of(
                "snapchat.base-url", "http://127.0.0.1:" + snap.port(),
                "snapchat.pixel-id", "c0ffee00-1234-4abc-9def-000000000042",
                "snapchat.access-token", "snap-test-token"), "snapchat.access-token");
    }

    @AfterAll
    static void remove() throws Exception {
        if (module != null) {
            module.close();
        }
        snap.stop();
    }

    @Test
    void withoutItsAccessTokenTheModuleDidNotStartAndSaidWhichSettingIsMissing() {
        assertThat(module.startedWithoutSecret()).isFalse();
        assertThat(module.missingSettingReport())
                .isEqualTo("missing setting snapchat.access-token (environment variable SNAPCHAT_ACCESS_TOKEN)");
    }

    @Test
    void conversionsArePostedToThePixelWithTheTokenInTheQueryAndOtherEventsLeftOut() throws Exception {
        String custom = id("custom"), identify = id("identify"), page = id("page"), order = id("order");
        module.send(fixture("custom-track", custom), fixture("identify", identify), fixture("page", page),
                fixture("order-completed", order));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !requestsWith(order).isEmpty());
        List<LoggedRequest> requests = requestsWith(order);
        assertThat(requests).hasSize(1);
        LoggedRequest r = requests.get(0);
        assertThat(r.getMethod().getName()).isEqualTo("POST");
        assertThat(r.getUrl()).isEqualTo(PATH + "?access_token=snap-test-token");
        assertThat(r.getHeader("Content-Type")).startsWith("application/json");
        assertThat(r.getHeader("Authorization")).isNull();
        assertThat(eventWithId(page)).isEqualTo(ModuleUnderTest.expected("snapchat", "page", page));
        assertThat(eventWithId(order)).isEqualTo(ModuleUnderTest.expected("snapchat", "order-completed", order));
        // One user's events go in order: the custom event and the identify came first and were never sent.
        assertThat(requestsWith(custom)).isEmpty();
        assertThat(requestsWith(identify)).isEmpty();
    }

    @Test
    void snapsRefusalAndEventsSnapCannotTakeAreDeadLettered() throws Exception {
        String refused = id("refused"), noUrl = id("nourl");
        snap.stubFor(post(urlPathEqualTo(PATH)).withRequestBody(containing(refused)).willReturn(aResponse()
                .withStatus(400)
                .withBody("{\"status\":\"INVALID\",\"reason\":\"Timestamp invalid or out of range\"}")));
        var withoutUrl = fixture("product-added", noUrl);
        withoutUrl.with("context").remove("page");
        module.send(withoutUrl, fixture("order-completed", refused));
        try (TopicReader dlq = module.deadLetters()) {
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> !letters(dlq, refused).isEmpty() && !letters(dlq, noUrl).isEmpty());
            JsonNode letter = letters(dlq, refused).get(0).value();
            assertThat(letter.get("status").asInt()).isEqualTo(400);
            assertThat(letter.get("retryable").asBoolean()).isFalse();
            assertThat(letter.get("responseBody").asText()).contains("Timestamp invalid or out of range");
            assertThat(dlq.requestOf(letter).at("/url").asText()).endsWith(PATH + "?access_token=xxxxxx");
            assertThat(dlq.requestOf(letter).at("/body/data/0/event_id").asText()).isEqualTo(refused);
            assertThat(letters(dlq, noUrl).get(0).value().get("reason").asText()).contains("event_source_url");
        }
        assertThat(requestsWith(refused)).hasSize(1);
        assertThat(requestsWith(noUrl)).isEmpty();
    }

    @Test
    void throttlingIsRetriedAfterRetryAfter() throws Exception {
        String id = id("throttled");
        String scenario = "throttle-" + id;
        snap.stubFor(post(urlPathEqualTo(PATH)).withRequestBody(containing(id)).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("calm"));
        snap.stubFor(post(urlPathEqualTo(PATH)).withRequestBody(containing(id)).inScenario(scenario)
                .whenScenarioStateIs("calm").willReturn(okJson("{\"status\":\"VALID\"}")));
        module.send(fixture("product-viewed", id));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> requestsWith(id).size() >= 2);
        List<LoggedRequest> tries = requestsWith(id);
        assertThat(tries.get(0).getBodyAsString()).isEqualTo(tries.get(1).getBodyAsString());
        assertThat(tries.get(1).getLoggedDate().getTime() - tries.get(0).getLoggedDate().getTime())
                .as("Retry-After: 1 honoured").isGreaterThanOrEqualTo(900);
        // Once the integration is done with it: no third try, no dead letter.
        module.awaitHandled(id);
        try (TopicReader dlq = module.deadLetters()) {
            dlq.awaitCaughtUp();
            assertThat(letters(dlq, id)).isEmpty();
        }
        assertThat(requestsWith(id)).hasSize(2);
    }

    private static List<LoggedRequest> requestsWith(String id) {
        return snap.findAll(postRequestedFor(urlPathEqualTo(PATH)).withRequestBody(containing(id)));
    }

    /** The data element Snap received for an event id. */
    private static JsonNode eventWithId(String id) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        for (LoggedRequest r : requestsWith(id)) {
            for (JsonNode e : MAPPER.readTree(r.getBodyAsString()).get("data")) {
                if (id.equals(e.path("event_id").asText())) {
                    found.add(e);
                }
            }
        }
        assertThat(found).hasSize(1);
        return found.get(0);
    }
}
