package io.drover.integration;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.drover.testing.Http;
import io.drover.testing.TestDrover;
import io.drover.testing.TopicReader;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dedupe across instances: another instance of the cluster stores a copy of an event (a client's retry that reached
 * it), written here straight into drover.events as that instance's buffer writes it (same key, same headers, same
 * JSON), or as a Drover from before the dedupe header wrote it (no {@code drover.dedupe}: the id is read from the JSON). This instance delivers the event once, and refuses the client's next retry at ingestion.
 */
class StoredTwiceTest {

    private final TestDrover drover = TestDrover.shared();

    @Test
    void aCopyStoredByAnotherInstanceIsNotDeliveredAgain() throws Exception {
        String user = "twice-" + UUID.randomUUID();
        String id = user + "-purchase";
        track(user, id);
        TopicReader.Event first = drover.topic.await(id);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> requests(id) == 1);

        writeAsAnotherInstance(first);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> drover.topic.find(id).size() == 2);
        // The same user's next event comes after the copy in its partition: once it is delivered, the copy was read.
        String next = user + "-next";
        track(user, next);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> requests(next) == 1);
        assertThat(requests(id)).as("webhook requests carrying the event stored twice").isEqualTo(1);
        assertThat(Http.send("GET", drover.adminUrl("/observe/metrics"), null).body())
                .containsPattern("drover_integration_filtered_total\\{integration=\"webhook\",reason=\"duplicate\"\\} [1-9]");
    }

    @Test
    void aRetryOfAnEventAnotherInstanceStoredIsRefusedAtIngestion() throws Exception {
        String user = "elsewhere-" + UUID.randomUUID();
        String id = user + "-purchase";
        // A template record: this instance stores one event of the user, and "another instance" stores the event id.
        String probe = user + "-probe";
        track(user, probe);
        TopicReader.Event template = drover.topic.await(probe);
        String json = new String(template.raw(), java.nio.charset.StandardCharsets.UTF_8).replace(probe, id);
        // Written as a Drover from before the dedupe header writes it: the tail reads the id from the JSON.
        Map<String, byte[]> headers = new java.util.HashMap<>(template.rawHeaders());
        assertThat(headers.remove("drover.dedupe")).isNotNull();
        writeAsAnotherInstance(template.key(), headers, json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> drover.topic.find(id).size() == 1);
        // Once a later event of the user is delivered, this instance has read the copy (its integrations check each
        // record against what the topic's tail has read up to it).
        String seen = user + "-seen";
        track(user, seen);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> requests(seen) == 1);

        track(user, id);   // the client's retry, through this instance
        String marker = user + "-marker";
        track(user, marker);
        drover.topic.await(marker);
        assertThat(drover.topic.find(id)).as("copies of the retried event on the topic").hasSize(1);
    }

    private void writeAsAnotherInstance(TopicReader.Event e) throws Exception {
        writeAsAnotherInstance(e.key(), e.rawHeaders(), e.raw());
    }

    private void writeAsAnotherInstance(String key, Map<String, byte[]> headers, byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, drover.server.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(TestDrover.TOPIC, key, value);
            headers.forEach((k, v) -> record.headers().add(k, v));
            producer.send(record).get(30, TimeUnit.SECONDS);
        }
    }

    private int requests(String id) {
        return drover.vendor.findAll(postRequestedFor(urlEqualTo("/hook")).withRequestBody(containing(id))).size();
    }

    private void track(String userId, String messageId) {
        assertThat(Http.post(drover.url("/v1/track"), "{\"userId\":\"" + userId + "\",\"event\":\"Twice\","
                + "\"messageId\":\"" + messageId + "\"}", "Authorization", Http.basic(WEB_KEY)).status()).isEqualTo(200);
    }
}
