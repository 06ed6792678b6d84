package io.drover.destinations.pinterest;

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
 * The shipped {@code integrations/pinterest.yaml} on the shared Drover against a stand-in for
 * {@code api.pinterest.com}: events in through the ingestion API, the Conversions API request out, events Pinterest
 * reports as failed dead-lettered while the others count as delivered, throttling retried.
 */
class PinterestDeliveryTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PATH = "/v5/ad_accounts/549755885175/events";
    private static WireMockServer pinterest;
    private static ModuleUnderTest module;

    @BeforeAll
    static void install() throws Exception {
        pinterest = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        pinterest.start();
        // Pinterest's success answer; the counts do not matter to Drover, only failed entries do.
        pinterest.stubFor(post(urlPathEqualTo(PATH)).atPriority(10)
                .willReturn(okJson("{\"num_events_received\":1,\"num_events_processed\":1,\"events\":[]}")));
        module = ModuleUnderTest.install("pinterest", Map.of(
                "pinterest.base-url", "http://127.0.0.1:" + pinterest.port(),
                "pinterest.ad-account-id", "549755885175",
                "pinterest.access-token", "pina-test-token"), "pinterest.access-token");
    }

    @AfterAll
    static void remove() throws Exception {
        if (module != null) {
            module.close();
        }
        pinterest.stop();
    }

    @Test
    void withoutItsAccessTokenTheModuleDidNotStartAndSaidWhichSettingIsMissing() {
        assertThat(module.startedWithoutSecret()).isFalse();
        assertThat(module.missingSettingReport())
                .isEqualTo("missing setting pinterest.access-token (environment variable PINTEREST_ACCESS_TOKEN)");
    }

    @Test
    void conversionsArePostedToTheAdAccountWithTheBearerTokenAndOtherEventsLeftOut() throws Exception {
        String custom = id("custom"), identify = id("identify"), page = id("page"), order = id("order");
        module.send(fixture("custom-track", custom), fixture("identify", identify), fixture("page", page),
                fixture("order-completed", order));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !requestsWith(order).isEmpty());
        List<LoggedRequest> requests = requestsWith(order);
        assertThat(requests).hasSize(1);
        LoggedRequest r = requests.get(0);
        assertThat(r.getMethod().getName()).isEqualTo("POST");
        assertThat(r.getUrl()).isEqualTo(PATH);
        assertThat(r.getHeader("Authorization")).isEqualTo("Bearer pina-test-token");
        assertThat(r.getHeader("Content-Type")).startsWith("application/json");
        assertThat(eventWithId(page)).isEqualTo(ModuleUnderTest.expected("pinterest", "page", page));
        assertThat(eventWithId(order)).isEqualTo(ModuleUnderTest.expected("pinterest", "order-completed", order));
        // One user's events go in order: the custom event and the identify came first and were never sent.
        assertThat(requestsWith(custom)).isEmpty();
        assertThat(requestsWith(identify)).isEmpty();
    }

    @Test
    void eventsPinterestReportsAsFailedAreDeadLetteredAndTheOthersDelivered() throws Exception {
        String good = id("good"), bad = id("bad"), after = id("after");
        pinterest.stubFor(post(urlPathEqualTo(PATH)).withRequestBody(containing(good)).withRequestBody(containing(bad))
                .willReturn(aResponse().withStatus(422).withHeader("Content-Type", "application/json").withBody(
                        "{\"code\":4,\"message\":\"Not all events were successfully processed.\",\"details\":"
                        + "{\"num_events_received\":2,\"num_events_processed\":1,"
                        + "\"events\":[{\"status\":\"processed\"},"
                        + "{\"status\":\"failed\",\"error_message\":\"event_time is more than 7 days old\"}]}}")));
        module.send(fixture("product-added", good), fixture("order-completed", bad));
        try (TopicReader dlq = module.deadLetters()) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !letters(dlq, bad).isEmpty());
            JsonNode letter = letters(dlq, bad).get(0).value();
            assertThat(letter.get("reason").asText())
                    .isEqualTo("Pinterest: event failed: event_time is more than 7 days old");
            assertThat(dlq.requestOf(letter).at("/body/data/1/event_id").asText()).isEqualTo(bad);
            // The batch went on: a later event is delivered, and the good one was neither sent again nor dead-lettered.
            module.send(fixture("page", after));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !requestsWith(after).isEmpty());
            dlq.awaitCaughtUp();
            assertThat(letters(dlq, good)).isEmpty();
        }
        assertThat(requestsWith(good)).hasSize(1);
        assertThat(requestsWith(bad)).hasSize(1);
    }

    @Test
    void throttlingIsRetriedAfterRetryAfter() throws Exception {
        String id = id("throttled");
        String scenario = "throttle-" + id;
        pinterest.stubFor(post(urlPathEqualTo(PATH)).withRequestBody(containing(id)).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
                        .withBody("{\"code\":8,\"message\":\"This request exceeded a rate limit.\"}"))
                .willSetStateTo("calm"));
        pinterest.stubFor(post(urlPathEqualTo(PATH)).withRequestBody(containing(id)).inScenario(scenario)
                .whenScenarioStateIs("calm").willReturn(okJson("{\"num_events_received\":1,\"num_events_processed\":1,"
                        + "\"events\":[{\"status\":\"processed\"}]}")));
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
        return pinterest.findAll(postRequestedFor(urlPathEqualTo(PATH)).withRequestBody(containing(id)));
    }

    /** The data element Pinterest received for an event id. */
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
