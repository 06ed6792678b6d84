package io.drover.integration;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.drover.testing.Http;
import io.drover.testing.TestDrover;
import io.drover.testing.TopicReader;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The vendor's answers and where each event ends, through the shipped webhook module: a retryable failure once, then
 * 200, is delivered on the second attempt (after the delay the vendor asked for, when it did); a final refusal goes to
 * the dead-letter topic after one attempt, with the vendor's status.
 */
class FailureMatrixTest {

    private final TestDrover drover = TestDrover.shared();
    private static TopicReader dlq;

    @BeforeAll
    static void readDeadLetters() {
        dlq = new TopicReader(TestDrover.shared().server.bootstrapServers(), "drover.dlq.webhook");
    }

    @AfterAll
    static void close() throws InterruptedException {
        dlq.close();
    }

    @ParameterizedTest(name = "HTTP {0} once, then 200: delivered on the second attempt")
    @ValueSource(ints = {500, 502, 503, 504, 408, 429})
    void retryableStatuses(int status) {
        List<LoggedRequest> attempts = failOnceThenSucceed(aResponse().withStatus(status));
        assertThat(attempts).hasSize(2);
    }

    @ParameterizedTest(name = "{0} once, then 200: delivered on the second attempt")
    @ValueSource(strings = {"connection reset", "timeout"})
    void networkFailures(String kind) {
        ResponseDefinitionBuilder failure = kind.equals("timeout")
                ? aResponse().withStatus(200).withFixedDelay(5000)
                : aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER);
        assertThat(failOnceThenSucceed(failure)).hasSizeGreaterThanOrEqualTo(2);
    }

    @ParameterizedTest(name = "429 with Retry-After: {0} s is honoured")
    @ValueSource(ints = {2})
    void retryAfterIsHonoured(int seconds) {
        List<LoggedRequest> attempts = failOnceThenSucceed(aResponse().withStatus(429).withHeader("Retry-After", String.valueOf(seconds)));
        long gap = attempts.get(1).getLoggedDate().getTime() - attempts.get(0).getLoggedDate().getTime();
        assertThat(gap).isBetween(seconds * 1000L - 100, seconds * 1000L + 1500);
    }

    @ParameterizedTest(name = "HTTP {0}: dead letter after one attempt")
    @ValueSource(ints = {400, 401, 403, 404, 413, 501, 505})
    void finalRefusals(int status) {
        String id = "final-" + status + "-" + UUID.randomUUID();
        drover.vendor.stubFor(post(urlEqualTo("/hook")).withRequestBody(containing(id))
                .willReturn(aResponse().withStatus(status).withBody("{\"status\":" + status + "}")));
        send(id);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                !dlq.where(e -> id.equals(e.value().at("/event/messageId").asText())).isEmpty());
        TopicReader.Event letter = dlq.where(e -> id.equals(e.value().at("/event/messageId").asText())).get(0);
        assertThat(letter.value().get("status").asInt()).isEqualTo(status);
        assertThat(letter.value().get("attempts").asInt()).isEqualTo(1);
        assertThat(letter.value().get("responseBody").asText()).isEqualTo("{\"status\":" + status + "}");
        assertThat(drover.vendor.findAll(postRequestedFor(urlEqualTo("/hook")).withRequestBody(containing(id)))).hasSize(1);
    }

    private List<LoggedRequest> failOnceThenSucceed(ResponseDefinitionBuilder failure) {
        String id = "matrix-" + UUID.randomUUID();
        String scenario = "scenario-" + id;
        drover.vendor.stubFor(post(urlEqualTo("/hook")).withRequestBody(containing(id)).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED).willReturn(failure).willSetStateTo("recovered"));
        drover.vendor.stubFor(post(urlEqualTo("/hook")).withRequestBody(containing(id)).inScenario(scenario)
                .whenScenarioStateIs("recovered").willReturn(aResponse().withStatus(200)));
        send(id);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> drover.vendor.getAllScenarios().getScenarios().stream()
                .anyMatch(s -> s.getName().equals(scenario) && s.getState().equals("recovered"))
                && drover.vendor.findAll(postRequestedFor(urlEqualTo("/hook")).withRequestBody(containing(id))).size() >= 2);
        assertThat(dlq.where(e -> id.equals(e.value().at("/event/messageId").asText()))).isEmpty();
        return drover.vendor.findAll(postRequestedFor(urlEqualTo("/hook")).withRequestBody(containing(id)));
    }

    private void send(String id) {
        // A user of its own per case: cases on different partitions do not wait for each other's retries.
        assertThat(Http.post(drover.url("/v1/track"), "{\"userId\":\"" + id + "\",\"event\":\"E\",\"messageId\":\"" + id + "\"}",
                "Authorization", Http.basic(WEB_KEY)).status()).isEqualTo(200);
    }
}
