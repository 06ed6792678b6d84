package io.drover.integration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A module whose request bean cuts a batch into several requests and reads the vendor's answers itself: a retry sends
 * only the requests not yet delivered, and events a vendor names as bad are dead-lettered on their own, with the rest
 * sent again (Amplitude's way) or taken (Mixpanel's way).
 */
class VendorRequestsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TestDrover drover = TestDrover.shared();
    private static final Path module = drover.integrationsDir().resolve("pairs.yaml");
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void install() throws Exception {
        drover.vendor.stubFor(post(urlEqualTo("/pairs")).atPriority(10).willReturn(ok()));
        Modules.running(drover, module, () -> Files.writeString(module, """
                - templatedRoute:
                    routeTemplateRef: drover-integration
                    routeId: pairs
                    parameters:
                      - name: name
                        value: pairs
                      - name: endpoint
                        value: "http://127.0.0.1:%d/pairs"
                      - name: batchSize
                        value: "10"
                      - name: lingerMs
                        value: "400"
                      - name: initialDelay
                        value: 100ms
                    beans:
                      - name: request
                        type: "#class:io.drover.integration.PairsRequest"
                """.formatted(drover.vendor.port())));
    }

    @AfterAll
    static void remove() throws Exception {
        Modules.removed(drover, module);
    }

    @Test
    void aRetrySendsOnlyTheRequestsNotYetDelivered() throws Exception {
        String a = id("a"), b = id("b"), c = id("c"), d = id("d"), e = id("e");
        // The second request (c, d) fails once with 503.
        drover.vendor.stubFor(post(urlEqualTo("/pairs")).withRequestBody(containing(c)).inScenario(run)
                .whenScenarioStateIs(STARTED).willReturn(aResponse().withStatus(503)).willSetStateTo("recovered"));
        send(a, b, c, d, e);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !requestsWith(e).isEmpty());
        assertThat(requestsWith(c)).hasSize(2);
        assertThat(requestsWith(a)).as("delivered before the failure: not sent again").hasSize(1);
        assertThat(requestsWith(e)).hasSize(1);
        assertThat(ids(requestsWith(a).get(0))).containsExactly(a, b);
        assertThat(ids(requestsWith(c).get(1))).containsExactly(c, d);
    }

    @Test
    void badEventsNamedByTheVendorAreDeadLetteredAndTheOthersSentAgain() throws Exception {
        String good = id("good"), bad = id("bad");
        // Amplitude's way: the whole request is refused because of one event.
        drover.vendor.stubFor(post(urlEqualTo("/pairs")).withRequestBody(containing(bad))
                .willReturn(aResponse().withStatus(400).withBody("{\"invalid\":[1],\"accepted\":false}")));
        send(good, bad);
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.pairs")) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !letters(dlq, bad).isEmpty());
            JsonNode letter = letters(dlq, bad).get(0).value();
            assertThat(letter.get("reason").asText()).isEqualTo("invalid field at index 1");
            assertThat(dlq.requestOf(letter).at("/body/ids").toString()).contains(bad);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> requestsWith(good).size() == 2);
            assertThat(ids(requestsWith(good).get(1))).containsExactly(good);
            // The batch is done, its dead letters written.
            Modules.handled(drover, "pairs", good);
            dlq.awaitCaughtUp();
            assertThat(letters(dlq, good)).isEmpty();
        }
    }

    @Test
    void aPartialSuccessDeadLettersOnlyTheNamedEvents() throws Exception {
        String good = id("good"), bad = id("bad");
        // Mixpanel's way: the others were taken.
        drover.vendor.stubFor(post(urlEqualTo("/pairs")).withRequestBody(containing(bad))
                .willReturn(okJson("{\"invalid\":[0],\"accepted\":true}")));
        send(bad, good);
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.pairs")) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !letters(dlq, bad).isEmpty());
            String after = id("after");
            send(after);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !requestsWith(after).isEmpty());
            dlq.awaitCaughtUp();
            assertThat(requestsWith(good)).hasSize(1);
            assertThat(letters(dlq, good)).isEmpty();
        }
    }

    private String id(String name) {
        return name + "-" + run + "-" + UUID.randomUUID();
    }

    private void send(String... ids) {
        sendAs(run, ids);
    }

    private static void sendAs(String user, String... ids) {
        StringBuilder batch = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < ids.length; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"userId\":\"pairs-").append(user)
                    .append("\",\"event\":\"E\",\"messageId\":\"").append(ids[i]).append("\"}");
        }
        assertThat(Http.post(drover.url("/v1/batch"), batch + "]}", "Authorization", Http.basic(WEB_KEY)).status())
                .isEqualTo(200);
    }

    private static List<LoggedRequest> requestsWith(String id) {
        return drover.vendor.findAll(postRequestedFor(urlEqualTo("/pairs")).withRequestBody(containing(id)));
    }

    private static List<String> ids(LoggedRequest r) throws Exception {
        List<String> ids = new ArrayList<>();
        MAPPER.readTree(r.getBodyAsString()).get("ids").forEach(n -> ids.add(n.asText()));
        return ids;
    }

    private static List<TopicReader.Event> letters(TopicReader dlq, String id) {
        return dlq.where(x -> id.equals(x.value().at("/event/messageId").asText()));
    }
}
