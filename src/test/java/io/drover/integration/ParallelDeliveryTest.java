package io.drover.integration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.drover.testing.Http;
import io.drover.testing.Modules;
import io.drover.testing.TestDrover;
import io.drover.testing.TopicReader;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
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
 * A module's {@code concurrency}: several requests in flight to one vendor, one user's events still in order, and
 * offsets committed only below the oldest unfinished batch (at least once). The shipped webhook's bean, on the
 * shared Drover, against a stand-in that answers slowly.
 */
class ParallelDeliveryTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int ANSWER_MS = 100;
    private final TestDrover drover = TestDrover.shared();

    @Test
    void requestsOverlapWhileEachUsersEventsArriveInOrder() throws Exception {
        String name = "lanes-" + UUID.randomUUID().toString().substring(0, 8);
        drover.vendor.stubFor(post(urlEqualTo("/" + name))
                .willReturn(aResponse().withStatus(200).withFixedDelay(ANSWER_MS)));
        Path module = drover.integrationsDir().resolve(name + ".yaml");
        try {
            Modules.running(drover, module, () -> Files.writeString(module, webhook(name, 8, "1s")));
            String run = UUID.randomUUID().toString().substring(0, 8);
            int users = 8;
            int perUser = 5;
            StringBuilder batch = new StringBuilder("{\"batch\":[");
            for (int seq = 0; seq < perUser; seq++) {
                for (int u = 0; u < users; u++) {
                    batch.append(seq == 0 && u == 0 ? "" : ",").append("{\"type\":\"track\",\"userId\":\"")
                            .append(run).append("-u").append(u).append("\",\"event\":\"Lane Test\",\"properties\":{\"seq\":")
                            .append(seq).append("},\"messageId\":\"").append(run).append("-u").append(u).append('-')
                            .append(seq).append("\"}");
                }
            }
            assertThat(Http.post(drover.url("/v1/batch"), batch.append("]}").toString(), "Authorization",
                    Http.basic(WEB_KEY)).status()).isEqualTo(200);

            List<LoggedRequest> requests = new ArrayList<>();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                requests.clear();
                requests.addAll(drover.vendor.findAll(postRequestedFor(urlEqualTo("/" + name))
                        .withRequestBody(containing(run))));
                return requests.size() >= users * perUser;
            });
            assertThat(requests).hasSize(users * perUser);
            // One user's events: in order (each is sent only once the previous one was answered).
            Map<String, List<Integer>> seqs = new HashMap<>();
            requests.sort(Comparator.comparing(LoggedRequest::getLoggedDate));
            for (LoggedRequest r : requests) {
                JsonNode e = MAPPER.readTree(r.getBodyAsString());
                seqs.computeIfAbsent(e.get("userId").asText(), k -> new ArrayList<>()).add(e.at("/properties/seq").asInt());
            }
            assertThat(seqs).hasSize(users);
            seqs.forEach((user, s) -> assertThat(s).as(user).containsExactly(0, 1, 2, 3, 4));
            // In flight together: one request at a time would space them by the vendor's answer time at least.
            int overlapping = 0;
            for (int i = 1; i < requests.size(); i++) {
                long gap = requests.get(i).getLoggedDate().getTime() - requests.get(i - 1).getLoggedDate().getTime();
                if (gap < ANSWER_MS / 2) {
                    overlapping++;
                }
            }
            assertThat(overlapping).as("requests sent while another was in flight").isGreaterThanOrEqualTo(users);
        } finally {
            Modules.removed(drover, module);
        }
    }

    /**
     * One user's event is retried (the vendor answers 503 for it) while other users' later events of the same partition
     * are delivered beside it: the group's commit stays at the retried event, so a crash now would deliver it again
     * (never skip it); once the vendor takes it, the commit moves past.
     */
    @Test
    void aRetriedEventHoldsTheCommitOfItsPartitionWhileOthersGoPast() throws Exception {
        String name = "held-" + UUID.randomUUID().toString().substring(0, 8);
        String stuck = name + "-stuck";
        drover.vendor.stubFor(post(urlEqualTo("/" + name)).willReturn(aResponse().withStatus(200)));
        drover.vendor.stubFor(post(urlEqualTo("/" + name)).withRequestBody(containing(stuck))
                .willReturn(aResponse().withStatus(503)));
        Path module = drover.integrationsDir().resolve(name + ".yaml");
        try (TopicReader topic = new TopicReader(drover.server.bootstrapServers(), TestDrover.TOPIC);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, drover.server.bootstrapServers()))) {
            Modules.running(drover, module, () -> Files.writeString(module, webhook(name, 4, "200ms")));
            track(stuck, stuck);
            TopicReader.Event held = topic.await(stuck);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !drover.vendor.findAll(
                    postRequestedFor(urlEqualTo("/" + name)).withRequestBody(containing(stuck))).isEmpty());
            // Other users until one of them is stored after it in its partition, and delivered.
            String later = null;
            for (int i = 0; i < 200 && later == null; i++) {
                String id = name + "-other-" + i;
                track(id, id);
                TopicReader.Event e = topic.await(id);
                // in another lane (lanes are by key), else it would rightly wait behind the retried event
                if (e.partition() == held.partition() && e.offset() > held.offset()
                        && Math.floorMod(e.key().hashCode(), 4) != Math.floorMod(held.key().hashCode(), 4)) {
                    later = id;
                }
            }
            assertThat(later).as("an event stored after the retried one in its partition").isNotNull();
            String delivered = later;
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !drover.vendor.findAll(
                    postRequestedFor(urlEqualTo("/" + name)).withRequestBody(containing(delivered))).isEmpty());
            TopicPartition tp = new TopicPartition(TestDrover.TOPIC, held.partition());
            assertThat(committed(admin, name, tp)).as("the commit stays at the event still retried")
                    .isLessThanOrEqualTo(held.offset());

            drover.vendor.stubFor(post(urlEqualTo("/" + name)).withRequestBody(containing(stuck))
                    .willReturn(aResponse().withStatus(200)));
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> committed(admin, name, tp) > held.offset());
        } finally {
            Modules.removed(drover, module);
        }
    }

    private static long committed(Admin admin, String integration, TopicPartition tp) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("drover-" + integration)
                .partitionsToOffsetAndMetadata().get();
        OffsetAndMetadata o = offsets.get(tp);
        return o == null ? -1 : o.offset();
    }

    private void track(String userId, String messageId) {
        assertThat(Http.post(drover.url("/v1/track"), "{\"userId\":\"" + userId + "\",\"event\":\"Lane Test\","
                + "\"messageId\":\"" + messageId + "\"}", "Authorization", Http.basic(WEB_KEY)).status()).isEqualTo(200);
    }

    private String webhook(String name, int concurrency, String initialDelay) {
        return """
                - templatedRoute:
                    routeTemplateRef: drover-integration
                    routeId: %1$s
                    parameters:
                      - name: name
                        value: %1$s
                      - name: endpoint
                        value: "http://127.0.0.1:%2$d/%1$s"
                      - name: batchSize
                        value: "1"
                      - name: lingerMs
                        value: "0"
                      - name: concurrency
                        value: "%3$d"
                      - name: initialDelay
                        value: "%4$s"
                      - name: maxDelay
                        value: "1s"
                    beans:
                      - name: request
                        type: "#class:io.drover.destinations.WebhookRequest"
                        properties:
                          secret: "%5$s"
                """.formatted(name, drover.vendor.port(), concurrency, initialDelay, TestDrover.WEBHOOK_SECRET);
    }
}
