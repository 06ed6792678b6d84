package io.drover.integration;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.drover.testing.Http;
import io.drover.testing.Modules;
import io.drover.testing.TestDrover;
import io.drover.testing.TopicReader;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped webhook module (integrations/webhook.yaml, unchanged) on the shared Drover, against a stand-in
 * receiver: ingestion, drover.events, the integration's consumer, the HTTP call, retries and dead letters.
 */
class WebhookDeliveryTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final TestDrover drover = TestDrover.shared();

    @Test
    void eachEventIsPostedAsIsAndSigned() throws Exception {
        String id = send();
        LoggedRequest request = awaitRequests(id, 1).get(0);
        JsonNode body = MAPPER.readTree(request.getBodyAsString());
        assertThat(body.get("messageId").asText()).isEqualTo(id);
        assertThat(body).isEqualTo(drover.topic.await(id).value());
        assertThat(request.getHeader("Content-Type")).startsWith("application/json");
        assertThat(request.getHeader("X-Drover-Signature")).isEqualTo("sha256=" + hmac(request.getBodyAsString()));
        // Headers of the ingestion request never reach the vendor.
        assertThat(request.getHeaders().keys()).noneMatch(h -> h.toLowerCase().startsWith("camel"));
        assertThat(request.getHeader("Authorization")).isNull();
    }

    /**
     * A batching webhook (a second module, batches of up to 10) sends the events as Drover stored them, byte for byte, in
     * Segment's batch shape, and signs exactly the bytes it sent.
     */
    @Test
    void aBatchCarriesTheStoredEventsInOrderAndIsSignedAsSent() throws Exception {
        Path module = drover.integrationsDir().resolve("hook-batch.yaml");
        drover.vendor.stubFor(post(urlEqualTo("/hook-batch")).willReturn(aResponse().withStatus(200)));
        try {
            Modules.running(drover, module, () -> Files.writeString(module, """
                    - templatedRoute:
                        routeTemplateRef: drover-integration
                        routeId: hook-batch
                        parameters:
                          - name: name
                            value: hook-batch
                          - name: endpoint
                            value: "http://127.0.0.1:%d/hook-batch"
                          - name: batchSize
                            value: "10"
                          - name: lingerMs
                            value: "200"
                        beans:
                          - name: request
                            type: "#class:io.drover.destinations.WebhookRequest"
                            properties:
                              secret: "%s"
                    """.formatted(drover.vendor.port(), TestDrover.WEBHOOK_SECRET)));

            String user = "batch-" + UUID.randomUUID();
            List<String> ids = List.of(user + "-1", user + "-2", user + "-3");
            StringBuilder batch = new StringBuilder("{\"batch\":[");
            for (String id : ids) {
                batch.append(id.endsWith("-1") ? "" : ",").append("{\"type\":\"track\",\"userId\":\"").append(user)
                        .append("\",\"event\":\"Batched \\u00e9\",\"properties\":{\"price\":1.50,\"n\":1e3},\"messageId\":\"")
                        .append(id).append("\"}");
            }
            assertThat(Http.post(drover.url("/v1/batch"), batch.append("]}").toString(), "Authorization",
                    Http.basic(WEB_KEY)).status()).isEqualTo(200);

            // Other events of the topic may share the batch: this user's three are looked for, in order, in whatever
            // requests carried them.
            List<JsonNode> mine = new ArrayList<>();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                mine.clear();
                for (LoggedRequest request : drover.vendor.findAll(
                        postRequestedFor(urlEqualTo("/hook-batch")).withRequestBody(containing(user)))) {
                    String body = new String(request.getBody(), StandardCharsets.UTF_8);
                    assertThat(request.getHeader("X-Drover-Signature")).isEqualTo("sha256=" + hmac(body));
                    JsonNode sent = MAPPER.readTree(body);
                    assertThat(sent.get("sentAt").asText()).isNotEmpty();
                    for (JsonNode event : sent.get("batch")) {
                        if (user.equals(event.path("userId").asText())) {
                            mine.add(event);
                            // Byte for byte: the stored record's JSON is in the body as it is.
                            assertThat(body).contains(new String(drover.topic.await(event.get("messageId").asText()).raw(),
                                    StandardCharsets.UTF_8));
                        }
                    }
                }
                return mine.size() >= 3;
            });
            assertThat(mine).hasSize(3);
            for (int i = 0; i < 3; i++) {
                assertThat(mine.get(i)).isEqualTo(drover.topic.await(ids.get(i)).value());
            }
        } finally {
            Modules.removed(drover, module);
        }
    }

    @Test
    void aVendorThatFailsTwiceWith503GetsTheEventOnTheThirdAttempt() {
        String id = "retry-" + UUID.randomUUID();
        String scenario = "flaky-" + id;
        drover.vendor.stubFor(post(urlEqualTo("/hook")).withRequestBody(containing(id)).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(503)).willSetStateTo("2"));
        drover.vendor.stubFor(post(urlEqualTo("/hook")).withRequestBody(containing(id)).inScenario(scenario)
                .whenScenarioStateIs("2").willReturn(aResponse().withStatus(503)).willSetStateTo("3"));
        drover.vendor.stubFor(post(urlEqualTo("/hook")).withRequestBody(containing(id)).inScenario(scenario)
                .whenScenarioStateIs("3").willReturn(aResponse().withStatus(200)));
        send(id);
        awaitRequests(id, 3);
        assertThat(drover.vendor.getAllScenarios().getScenarios().stream()
                .filter(s -> s.getName().equals(scenario)).findFirst().orElseThrow().getState()).isEqualTo("3");
    }

    @Test
    void a400GoesStraightToTheDeadLetterTopicWithTheVendorsAnswer() throws Exception {
        String id = "reject-" + UUID.randomUUID();
        drover.vendor.stubFor(post(urlEqualTo("/hook")).withRequestBody(containing(id))
                .willReturn(aResponse().withStatus(400).withBody("{\"error\":\"bad field\"}")));
        send(id);
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.webhook")) {
            TopicReader.Event letter = awaitLetter(dlq, id);
            assertThat(letter.value().get("status").asInt()).isEqualTo(400);
            assertThat(letter.value().get("responseBody").asText()).isEqualTo("{\"error\":\"bad field\"}");
            assertThat(letter.value().get("attempts").asInt()).isEqualTo(1);
            assertThat(letter.value().get("retryable").asBoolean()).isFalse();
            assertThat(dlq.requestOf(letter.value()).at("/method").asText()).isEqualTo("POST");
            assertThat(dlq.requestOf(letter.value()).at("/body/messageId").asText()).isEqualTo(id);
            assertThat(letter.value().get("event")).isEqualTo(drover.topic.await(id).value());
            assertThat(letter.key()).isEqualTo("hook-user");
        }
        assertThat(drover.vendor.findAll(postRequestedFor(urlEqualTo("/hook")).withRequestBody(containing(id)))).hasSize(1);
    }

    @Test
    void theSegmentIntegrationsObjectTurnsTheWebhookOffAndOn() {
        String off = "off-" + UUID.randomUUID();
        String on = "on-" + UUID.randomUUID();
        sendWith(off, "{\"All\":false,\"Google Analytics 4\":true}");
        sendWith(on, "{\"All\":false,\"Webhooks\":true}");
        // Events of one user are delivered in order: once the later one arrived, the earlier one never will.
        awaitRequests(on, 1);
        assertThat(drover.vendor.findAll(postRequestedFor(urlEqualTo("/hook")).withRequestBody(containing(off)))).isEmpty();
        // Counted, with the reason.
        String metrics = Http.send("GET", drover.adminUrl("/observe/metrics"), null).body();
        assertThat(metrics)
                .containsPattern("drover_integration_filtered_total\\{integration=\"webhook\",reason=\"integrations_object\"\\} [1-9]")
                .containsPattern("drover_integration_delivered_total\\{integration=\"webhook\"\\} [1-9]")
                .containsPattern("drover_integration_received_total\\{integration=\"webhook\"\\} [1-9]")
                .containsPattern("drover_integration_lag\\{integration=\"webhook\"\\} [0-9]");
    }

    private void sendWith(String id, String integrations) {
        Http.Response r = Http.post(drover.url("/v1/track"), "{\"userId\":\"hook-user\",\"event\":\"Webhook Test\","
                + "\"messageId\":\"" + id + "\",\"integrations\":" + integrations + "}", "Authorization", Http.basic(WEB_KEY));
        assertThat(r.status()).isEqualTo(200);
    }

    private TopicReader.Event awaitLetter(TopicReader dlq, String id) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                !dlq.where(e -> id.equals(e.value().at("/event/messageId").asText())).isEmpty());
        return dlq.where(e -> id.equals(e.value().at("/event/messageId").asText())).get(0);
    }

    private String send() {
        return send("hook-" + UUID.randomUUID());
    }

    private String send(String id) {
        Http.Response r = Http.post(drover.url("/v1/track"), "{\"userId\":\"hook-user\",\"event\":\"Webhook Test\","
                + "\"messageId\":\"" + id + "\"}", "Authorization", Http.basic(WEB_KEY));
        assertThat(r.status()).isEqualTo(200);
        return id;
    }

    private List<LoggedRequest> awaitRequests(String id, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> drover.vendor.findAll(
                postRequestedFor(urlEqualTo("/hook")).withRequestBody(containing(id))).size() >= count);
        return drover.vendor.findAll(postRequestedFor(urlEqualTo("/hook")).withRequestBody(containing(id)));
    }

    private static String hmac(String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(TestDrover.WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

}
