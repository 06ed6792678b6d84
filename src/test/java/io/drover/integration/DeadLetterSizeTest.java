package io.drover.integration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.drover.testing.Http;
import io.drover.testing.TestDrover;
import io.drover.testing.TopicReader;
import org.awaitility.Awaitility;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch whose dead letters used to exceed the producer's 1 MB limit (100 events of 12 KB, each letter carrying the
 * whole 1.2 MB request): the write failed, the batch was read again and sent to the vendor again and again, and the
 * integration stood still. Now: one request to the vendor, 100 letters and one request record (cut to fit, saying
 * so), every record under the limit, the next event delivered, each event counted once.
 */
class DeadLetterSizeTest {

    private static final int PRODUCER_LIMIT = 1_048_576;

    private static final TestDrover drover = TestDrover.shared();
    private static final Path module = drover.integrationsDir().resolve("bulky.yaml");
    /** One user for all: one partition, read in order. */
    private static final String user = "bulky-" + UUID.randomUUID();

    @BeforeAll
    static void install() throws Exception {
        drover.vendor.stubFor(post(urlEqualTo("/bulky")).atPriority(5).willReturn(aResponse().withStatus(200)));
        Files.writeString(module, """
                - templatedRoute:
                    routeTemplateRef: drover-integration
                    routeId: bulky
                    parameters:
                      - name: name
                        value: bulky
                      - name: endpoint
                        value: "http://127.0.0.1:%d/bulky"
                      - name: batchSize
                        value: "100"
                      - name: lingerMs
                        value: "6000"
                      - name: initialDelay
                        value: 200ms
                      - name: maxDelay
                        value: 1s
                    beans:
                      - name: request
                        type: "#class:io.drover.destinations.WebhookRequest"
                        properties:
                          secret: s
                """.formatted(drover.vendor.port()));
        awaitRunning();
    }

    @AfterAll
    static void remove() throws Exception {
        Files.deleteIfExists(module);
    }

    @Test
    void aBatchOfLargeEventsIsDeadLetteredOnceAndTheIntegrationGoesOn() throws Exception {
        String run = "run-" + UUID.randomUUID();
        drover.vendor.stubFor(post(urlEqualTo("/bulky")).atPriority(2).withRequestBody(containing(run))
                .willReturn(aResponse().withStatus(400).withBody("{\"error\":\"request too large\"}")));
        double receivedBefore = metric("drover_integration_received_total");
        double retriesBefore = metric("drover_integration_retries_total");
        // 100 events of ~12 KB: one batch of the integration, a request of 1.2 MB.
        sendLarge(run, 100);

        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.bulky")) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> letters(dlq, run).size() >= 100);
            List<TopicReader.Event> letters = letters(dlq, run);
            assertThat(letters).hasSize(100);
            String requestId = letters.get(0).text("requestId");
            assertThat(requestId).isNotBlank();
            for (TopicReader.Event letter : letters) {
                assertThat(letter.text("requestId")).isEqualTo(requestId);
                assertThat(letter.value().get("status").asInt()).isEqualTo(400);
                assertThat(letter.text("responseBody")).isEqualTo("{\"error\":\"request too large\"}");
                assertThat(letter.value().get("attempts").asInt()).isEqualTo(1);
                assertThat(letter.value().has("request")).as("the request is not copied into each letter").isFalse();
                assertThat(letter.value().at("/event/properties/pad").asText()).hasSize(12_000);
                assertThat(letter.raw().length).isLessThan(64 * 1024);
            }
            // The request: once, before its letters, cut to fit under the producer's limit and saying so.
            List<TopicReader.Event> requests = dlq.where(e -> ("request:" + requestId).equals(e.key()));
            assertThat(requests).hasSize(1);
            TopicReader.Event request = requests.get(0);
            assertThat(request.headers()).containsEntry("drover.kind", "request");
            assertThat(request.offset()).isLessThan(letters.get(0).offset());
            assertThat(request.text("id")).isEqualTo(requestId);
            assertThat(request.text("method")).isEqualTo("POST");
            assertThat(request.text("url")).endsWith("/bulky");
            assertThat(request.value().get("truncated").asBoolean()).isTrue();
            assertThat(request.value().get("cut").toString()).contains("body");
            assertThat(request.value().get("bodyBytes").asLong()).isGreaterThan(PRODUCER_LIMIT);
            assertThat(request.text("body")).startsWith("{\"batch\":[").contains(run);
            assertThat(request.raw().length + request.key().length()).isLessThan(PRODUCER_LIMIT - 1024);

            // The vendor saw the batch once; each event was counted once; no retry (a 400 is final).
            assertThat(drover.vendor.findAll(postRequestedFor(urlEqualTo("/bulky")).withRequestBody(containing(run))))
                    .hasSize(1);
            assertThat(metric("drover_integration_received_total") - receivedBefore).isEqualTo(100);
            assertThat(metric("drover_integration_retries_total") - retriesBefore).isZero();

            // Not blocked: a later event of the same user is delivered, and the batch was not sent again meanwhile.
            String later = "later-" + UUID.randomUUID();
            drover.vendor.stubFor(post(urlEqualTo("/bulky")).atPriority(1).withRequestBody(containing(later))
                    .willReturn(aResponse().withStatus(200)));
            sendSmall(user, later);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !drover.vendor.findAll(
                    postRequestedFor(urlEqualTo("/bulky")).withRequestBody(containing(later))).isEmpty());
            assertThat(drover.vendor.findAll(postRequestedFor(urlEqualTo("/bulky")).withRequestBody(containing(run))))
                    .hasSize(1);
            assertThat(metric("drover_integration_received_total") - receivedBefore).isEqualTo(101);
            System.out.printf("oversized dead-letter batch: acknowledged=100 dead-lettered=%d (in %d request record)"
                    + " vendor requests=1 lost=0 duplicated=0; the next event delivered%n", letters.size(), requests.size());
            Files.writeString(Path.of("target", "reliability.txt"), String.format("oversized dead-letter batch (100 x 12 KB,"
                    + " vendor answers 400): acknowledged=100 dead-lettered=%d lost=0 duplicated=0%n", letters.size()),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    @Test
    void aFailedDeadLetterWriteIsTriedAgainWithoutSendingTheBatchAgain() throws Exception {
        String run = "retry-" + UUID.randomUUID();
        drover.vendor.stubFor(post(urlEqualTo("/bulky")).atPriority(2).withRequestBody(containing(run))
                .willReturn(aResponse().withStatus(400)));
        double failuresBefore = metric("drover_integration_dead_letter_write_failures_total");
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "drover.dlq.bulky");
        int lowered = 200_000;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, drover.server.bootstrapServers()));
             TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.bulky")) {
            // Lowered after the integration read the limit: its first write (a 300 KB request record) is refused.
            alter(admin, topic, new AlterConfigOp(new ConfigEntry("max.message.bytes", String.valueOf(lowered)),
                    AlterConfigOp.OpType.SET));
            try {
                sendLarge(run, 25);
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> letters(dlq, run).stream()
                        .map(e -> e.value().at("/event/messageId").asText()).distinct().count() == 25);
            } finally {
                alter(admin, topic, new AlterConfigOp(new ConfigEntry("max.message.bytes", ""), AlterConfigOp.OpType.DELETE));
            }
            // The request record was refused, tried again cut to the new limit, and only then were the letters
            // written: each once, after the request they name.
            List<TopicReader.Event> letters = letters(dlq, run);
            assertThat(letters).hasSize(25);
            String requestId = letters.get(0).text("requestId");
            List<TopicReader.Event> requests = dlq.where(e -> ("request:" + requestId).equals(e.key()));
            assertThat(requests).hasSize(1);
            assertThat(requests.get(0).offset()).isLessThan(letters.get(0).offset());
            assertThat(requests.get(0).value().get("truncated").asBoolean()).isTrue();
            assertThat(requests.get(0).raw().length).isLessThan(lowered);
            assertThat(metric("drover_integration_dead_letter_write_failures_total") - failuresBefore).isGreaterThanOrEqualTo(1);
            assertThat(TestDrover.LOGS.lines()).anyMatch(l -> l.startsWith(
                    "Integration bulky: cannot write the request records of 25 dead letters (attempt 1:"));
            // The vendor was not asked again.
            assertThat(drover.vendor.findAll(postRequestedFor(urlEqualTo("/bulky")).withRequestBody(containing(run))))
                    .hasSize(1);
        }
    }

    private static void alter(Admin admin, ConfigResource topic, AlterConfigOp op) throws Exception {
        admin.incrementalAlterConfigs(Map.of(topic, List.of(op))).all().get(30, TimeUnit.SECONDS);
    }

    /** {@code n} events of ~12 KB of {@link #user}, marked with {@code run} (ingestion takes up to 500 KB a batch). */
    private static void sendLarge(String run, int n) {
        String pad = "x".repeat(12_000);
        for (int from = 0; from < n; from += 25) {
            StringBuilder batch = new StringBuilder("{\"batch\":[");
            for (int i = from; i < Math.min(n, from + 25); i++) {
                batch.append(i == from ? "" : ",").append("{\"type\":\"track\",\"userId\":\"").append(user)
                        .append("\",\"event\":\"Big\",\"messageId\":\"").append(run).append('-').append(i)
                        .append("\",\"properties\":{\"run\":\"").append(run).append("\",\"pad\":\"").append(pad)
                        .append("\"}}");
            }
            assertThat(Http.post(drover.url("/v1/batch"), batch.append("]}").toString(), "Authorization",
                    Http.basic(WEB_KEY)).status()).isEqualTo(200);
        }
    }

    /**
     * Until the module delivers: probes of one user (one partition, read in order) until the latest one arrives, so
     * that every probe read is counted before the metrics are looked at.
     */
    private static void awaitRunning() {
        String[] probe = {null};
        long[] sentAt = {0};
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (probe[0] != null && !drover.vendor.findAll(postRequestedFor(urlEqualTo("/bulky"))
                    .withRequestBody(containing(probe[0]))).isEmpty()) {
                return true;
            }
            if (probe[0] == null || System.nanoTime() - sentAt[0] > Duration.ofSeconds(6).toNanos()) {
                probe[0] = "probe-" + UUID.randomUUID();
                sentAt[0] = System.nanoTime();
                sendSmall(user, probe[0]);
            }
            return false;
        });
    }

    private static void sendSmall(String user, String id) {
        assertThat(Http.post(drover.url("/v1/track"), "{\"userId\":\"" + user + "\",\"event\":\"Small\",\"messageId\":\""
                + id + "\"}", "Authorization", Http.basic(WEB_KEY)).status()).isEqualTo(200);
    }

    private static double metric(String name) {
        String body = Http.send("GET", drover.adminUrl("/observe/metrics"), null).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{integration=\"bulky\"[^}]*\\} (\\S+)$").matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static List<TopicReader.Event> letters(TopicReader dlq, String run) {
        return dlq.where(e -> run.equals(e.value().at("/event/properties/run").asText()));
    }
}
