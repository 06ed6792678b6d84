package io.drover.integration;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A playbook module dropped in while Drover runs: each event is transformed by the playbook, filtered events are
 * left out, an event the playbook cannot transform becomes a dead letter with the reason, and the rest is delivered
 * in the playbook's envelope with its headers.
 */
class PlaybookModuleTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final TestDrover drover = TestDrover.shared();
    private final Path module = drover.integrationsDir().resolve("mini.yaml");
    private final Path playbook = drover.integrationsDir().resolve("mini.playbook.yaml");

    @AfterEach
    void remove() throws Exception {
        Modules.removed(drover, module);
        Files.deleteIfExists(playbook);
    }

    @Test
    void eventsAreTransformedFilteredAndRejectedAsThePlaybookSays() throws Exception {
        drover.vendor.stubFor(post(urlEqualTo("/mini")).willReturn(ok()));
        // The whole vendor in one file: no Java class named, the playbook inline.
        Modules.running(drover, module, () -> Files.writeString(module, """
                - templatedRoute:
                    routeTemplateRef: drover-playbook
                    routeId: mini
                    parameters:
                      - name: name
                        value: mini
                      - name: endpoint
                        value: "http://127.0.0.1:%d/mini"
                      - name: types
                        value: track
                      - name: batchSize
                        value: "10"
                      - name: lingerMs
                        value: "200"
                      - name: playbook
                        value: |
                          global:
                            filters:
                              - name: tests
                                deny: {path: properties.test, equals: true}
                            mappings:
                              - {inputKey: messageId, outputKey: id}
                              - {inputKey: event, outputKey: name, transforms: [lowercase]}
                              - {inputKey: properties.email, outputKey: em, transforms: [trim, lowercase, sha256]}
                              - {inputKey: properties.count, outputKey: count, transforms: [toInteger]}
                          request:
                            headers: {X-Api-Key: "k-123"}
                            envelope: {events: "$batch"}
                """.formatted(drover.vendor.port())));

        String ok = "pb-ok-" + UUID.randomUUID();
        String test = "pb-test-" + UUID.randomUUID();
        String bad = "pb-bad-" + UUID.randomUUID();
        Http.Response r = Http.post(drover.url("/v1/batch"), "{\"batch\":["
                + "{\"type\":\"track\",\"userId\":\"pb\",\"event\":\"Order Completed\",\"messageId\":\"" + ok
                + "\",\"properties\":{\"email\":\" Ann@Example.com \",\"count\":\"3\"}},"
                + "{\"type\":\"track\",\"userId\":\"pb\",\"event\":\"E\",\"messageId\":\"" + test + "\",\"properties\":{\"test\":true}},"
                + "{\"type\":\"track\",\"userId\":\"pb\",\"event\":\"E\",\"messageId\":\"" + bad + "\",\"properties\":{\"count\":\"abc\"}}]}",
                "Authorization", Http.basic(WEB_KEY));
        assertThat(r.status()).isEqualTo(200);

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !requestsWith(ok).isEmpty());
        LoggedRequest request = requestsWith(ok).get(0);
        assertThat(request.getHeader("X-Api-Key")).isEqualTo("k-123");
        JsonNode events = MAPPER.readTree(request.getBodyAsString()).get("events");
        JsonNode delivered = null;
        for (JsonNode e : events) {
            if (ok.equals(e.path("id").asText())) {
                delivered = e;
            }
        }
        assertThat(delivered).isEqualTo(MAPPER.readTree("{\"id\":\"" + ok + "\",\"name\":\"order completed\",\"em\":\""
                + sha256("ann@example.com") + "\",\"count\":3}"));
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.mini")) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                    !dlq.where(e -> bad.equals(e.value().at("/event/messageId").asText())).isEmpty());
            TopicReader.Event letter = dlq.where(e -> bad.equals(e.value().at("/event/messageId").asText())).get(0);
            assertThat(letter.value().get("reason").asText()).contains("toInteger");
        }
        assertThat(requestsWith(test)).isEmpty();
        assertThat(requestsWith(bad)).isEmpty();
    }

    /**
     * The module's batchSize is the one home of the batch size: two events in one batch make one request with both.
     * Before, a playbook without its own batchSize (1) threw "a batch has 1 to 1 events, got 2" and dead-lettered both.
     */
    @Test
    void aBatchOfSeveralEventsIsOneRequestInAPlaybookFileBesideTheModule() throws Exception {
        drover.vendor.stubFor(post(urlEqualTo("/mini")).willReturn(ok()));
        Files.writeString(playbook, """
                global:
                  mappings:
                    - {inputKey: messageId, outputKey: id}
                """);
        Modules.running(drover, module, () -> Files.writeString(module, """
                - templatedRoute:
                    routeTemplateRef: drover-playbook
                    routeId: mini
                    parameters:
                      - {name: name, value: mini}
                      - {name: endpoint, value: "http://127.0.0.1:%d/mini"}
                      - {name: types, value: track}
                      - {name: batchSize, value: "50"}
                      - {name: lingerMs, value: "500"}
                      - {name: playbookFile, value: mini.playbook.yaml}
                """.formatted(drover.vendor.port())));
        String first = "pb-1-" + UUID.randomUUID();
        String second = "pb-2-" + UUID.randomUUID();
        Http.Response r = Http.post(drover.url("/v1/batch"), "{\"batch\":["
                + "{\"type\":\"track\",\"userId\":\"pb\",\"event\":\"E\",\"messageId\":\"" + first + "\"},"
                + "{\"type\":\"track\",\"userId\":\"pb\",\"event\":\"E\",\"messageId\":\"" + second + "\"}]}",
                "Authorization", Http.basic(WEB_KEY));
        assertThat(r.status()).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !requestsWith(first).isEmpty());
        JsonNode body = MAPPER.readTree(requestsWith(first).get(0).getBodyAsString());
        assertThat(body.isArray()).isTrue();
        assertThat(body.toString()).contains(first).contains(second);
    }

    private List<LoggedRequest> requestsWith(String id) {
        return drover.vendor.findAll(postRequestedFor(urlEqualTo("/mini")).withRequestBody(containing(id)));
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
