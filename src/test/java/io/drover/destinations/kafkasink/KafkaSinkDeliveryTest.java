package io.drover.destinations.kafkasink;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.buffer.EventTopic;
import io.drover.testing.FreePorts;
import io.drover.testing.Http;
import io.drover.testing.Modules;
import io.drover.testing.TestDrover;
import io.drover.testing.TopicReader;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped Kafka sink module (integrations/kafka-sink.yaml, as is) on the shared Drover, with the in-JVM broker
 * standing in for the target cluster and a topic of its own: every event arrives once, keyed by user, as the JSON
 * Drover stored; a cluster that cannot be reached fails the attempt, which the consumer retries, then dead-letters.
 */
class KafkaSinkDeliveryTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TestDrover drover = TestDrover.shared();
    private static final String TOPIC = "drover.sink.test-" + UUID.randomUUID().toString().substring(0, 8);
    private static final Path module = drover.integrationsDir().resolve("kafka-sink.yaml");
    private static final Path downModule = drover.integrationsDir().resolve("kafka-sink-down.yaml");
    private static TopicReader sink;

    @BeforeAll
    static void install() throws Exception {
        EventTopic.ensure(drover.server.bootstrapServers(), TOPIC, 3, Optional.empty());
        System.setProperty("kafka-sink.brokers", drover.server.bootstrapServers());
        System.clearProperty("kafka-sink.topic");
        // Without its topic the module does not start and says which setting is missing.
        Modules.applied(drover, module, () -> Files.copy(Path.of("integrations/kafka-sink.yaml"), module));
        assertThat(drover.server.integrations().errors().get(module))
                .isEqualTo("missing setting kafka-sink.topic (environment variable KAFKA_SINK_TOPIC)");
        System.setProperty("kafka-sink.topic", TOPIC);
        Modules.running(drover, module,
                () -> Files.writeString(module, Files.readString(Path.of("integrations/kafka-sink.yaml")) + "\n# topic set\n"));
        sink = new TopicReader(drover.server.bootstrapServers(), TOPIC);
    }

    @AfterAll
    static void remove() throws Exception {
        Modules.removed(drover, module);
        Modules.removed(drover, downModule);
        System.clearProperty("kafka-sink.brokers");
        System.clearProperty("kafka-sink.topic");
        sink.close();
    }

    @Test
    void everyEventArrivesOnceKeyedByUserAsStored() throws Exception {
        String run = UUID.randomUUID().toString();
        String ann = "ann-" + run, bob = "bob-" + run, anonymous = "anon-" + run;
        List<ObjectNode> events = List.of(track(ann, null, "a1-" + run), track(bob, null, "b1-" + run),
                track(ann, null, "a2-" + run), track(null, anonymous, "n1-" + run), track(bob, null, "b2-" + run),
                track(ann, null, "a3-" + run));
        send(events.toArray(ObjectNode[]::new));
        for (ObjectNode e : events) {
            String id = e.get("messageId").asText();
            TopicReader.Event record = sink.await(id);
            TopicReader.Event stored = drover.topic.await(id);
            assertThat(record.value()).as("the stored JSON").isEqualTo(stored.value());
            assertThat(record.key()).isEqualTo(e.has("userId") ? e.get("userId").asText() : anonymous);
            assertThat(record.headers()).as("no Camel or ingestion headers").isEmpty();
        }
        // Done with (no retry left to write one again), and the reader holds all the sink topic had by then.
        events.forEach(e -> Modules.handled(drover, "kafka-sink", e.get("messageId").asText()));
        sink.awaitCaughtUp();
        for (ObjectNode e : events) {
            assertThat(sink.find(e.get("messageId").asText())).as("delivered once").hasSize(1);
        }
        // One user's events: one partition, in the order they were sent.
        List<TopicReader.Event> annRecords = sink.where(r -> ann.equals(r.key()));
        assertThat(annRecords).extracting(r -> r.text("messageId")).containsExactly("a1-" + run, "a2-" + run, "a3-" + run);
        assertThat(annRecords).extracting(TopicReader.Event::partition).containsOnly(annRecords.get(0).partition());
        // Counted as delivered: the template's hook for a delivery that is not HTTP.
        assertThat(Http.send("GET", drover.adminUrl("/observe/metrics"), null).body())
                .containsPattern("drover_integration_delivered_total\\{integration=\"kafka-sink\"\\} [1-9]");
    }

    @Test
    void aClusterThatCannotBeReachedFailsTheAttemptWhichIsRetriedThenDeadLettered() throws Exception {
        Modules.running(drover, downModule, () -> Files.writeString(downModule, """
                - templatedRoute:
                    routeTemplateRef: drover-kafka-sink
                    routeId: kafka-sink-down
                    parameters:
                      - name: name
                        value: kafka-sink-down
                      - name: brokers
                        value: "127.0.0.1:%d"
                      - name: topic
                        value: nowhere
                      - name: options
                        value: "additionalProperties.max.block.ms=300&requestTimeoutMs=300&additionalProperties.delivery.timeout.ms=600"
                      - name: lingerMs
                        value: "100"
                      - name: initialDelay
                        value: 100ms
                      - name: maxAttempts
                        value: "3"
                      - name: retryWindow
                        value: 1s
                """.formatted(FreePorts.next())));
        // Loaded: it reads every event acknowledged from now on, and cannot deliver this one.
        String id = "down-" + UUID.randomUUID();
        send(track("down-user", null, id));
        try (TopicReader dlq = new TopicReader(drover.server.bootstrapServers(), "drover.dlq.kafka-sink-down")) {
            Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> !dlq.where(x -> id.equals(x.value().at("/event/messageId").asText())).isEmpty());
            JsonNode letter = dlq.where(x -> id.equals(x.value().at("/event/messageId").asText())).get(0).value();
            assertThat(letter.get("retryable").asBoolean()).as("a Kafka timeout is worth retrying").isTrue();
            assertThat(letter.get("attempts").asInt()).isGreaterThanOrEqualTo(3);
            assertThat(letter.get("reason").asText()).contains("did not take the records").contains("Timeout");
        } finally {
            Modules.removed(drover, downModule);
        }
    }

    private static ObjectNode track(String userId, String anonymousId, String messageId) {
        ObjectNode e = MAPPER.createObjectNode().put("type", "track").put("event", "Sink Test").put("messageId", messageId);
        if (userId != null) {
            e.put("userId", userId);
        }
        if (anonymousId != null) {
            e.put("anonymousId", anonymousId);
        }
        e.putObject("properties").put("n", 1);
        return e;
    }

    private static void send(ObjectNode... events) {
        ObjectNode batch = MAPPER.createObjectNode();
        batch.putArray("batch").addAll(List.of(events));
        assertThat(Http.post(drover.url("/v1/batch"), batch.toString(), "Authorization", Http.basic(WEB_KEY)).status())
                .isEqualTo(200);
    }
}
