package io.drover.ingest;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.drover.testing.Http;
import io.drover.testing.TestDrover;
import io.drover.testing.TopicReader;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.drover.testing.TestDrover.STRICT_KEY;
import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch with invalid messages: the valid ones are stored, the answer is 200 and names each refused one by index and
 * reason, and each refused one is kept with its reason in drover.invalid (SDKs never re-send a 400: an all-or-nothing
 * refusal lost 99 good events with one bad one). A strict source refuses the batch whole. The limits hold for what is
 * stored, the batch's context copied into every message, before anything is copied.
 */
class PartialBatchTest {

    private static final TestDrover DROVER = TestDrover.shared();
    private static TopicReader invalid;

    @BeforeAll
    static void readFailedEvents() {
        invalid = new TopicReader(DROVER.server.bootstrapServers(), "drover.invalid");
    }

    @AfterAll
    static void close() throws InterruptedException {
        invalid.close();
    }

    @Test
    void theValidMessagesAreStoredAndTheOthersNamedAndKept() {
        String run = IngestApiTest.uniqueId();
        String body = "{\"batch\":["
                + track(run + "-0") + ","
                + "{\"type\":\"track\",\"userId\":\"u\",\"messageId\":\"" + run + "-1\"},"      // no event
                + track(run + "-2") + ","
                + "42,"                                                                           // not an object
                + "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"" + run + "-4\","
                + "\"properties\":{\"revenue\":1e309}},"                                          // a poison number
                + track(run + "-5") + "]}";
        Http.Response r = Http.post(DROVER.url("/v1/batch"), body, "Authorization", Http.basic(WEB_KEY));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("success").asBoolean()).isTrue();
        JsonNode rejected = r.json().get("rejected");
        assertThat(rejected).hasSize(3);
        assertThat(List.of(rejected.get(0).get("index").asInt(), rejected.get(1).get("index").asInt(),
                rejected.get(2).get("index").asInt())).containsExactly(1, 3, 4);
        assertThat(rejected.get(0).get("code").asText()).isEqualTo("missing_event");
        assertThat(rejected.get(1).get("code").asText()).isEqualTo("invalid_message");
        assertThat(rejected.get(2).get("code").asText()).isEqualTo("invalid_number");
        assertThat(rejected.get(2).get("message").asText()).contains("batch[4]").contains("properties.revenue");

        for (String stored : List.of(run + "-0", run + "-2", run + "-5")) {
            assertThat(DROVER.topic.await(stored).text("event")).isEqualTo("E");
        }
        assertThat(DROVER.topic.find(run + "-1")).isEmpty();
        assertThat(DROVER.topic.find(run + "-4")).isEmpty();

        // Kept with their reasons; the item that was not an object too, from the same request.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> failedOf(run).size() == 2);
        JsonNode first = failedOf(run).stream().filter(e -> e.value().path("index").asInt() == 1).findFirst()
                .orElseThrow().value();
        assertThat(first.get("source").asText()).isEqualTo("web");
        assertThat(first.get("code").asText()).isEqualTo("missing_event");
        assertThat(first.get("reason").asText()).contains("'event'");
        assertThat(first.get("message").get("messageId").asText()).isEqualTo(run + "-1");
        String receivedAt = first.get("receivedAt").asText();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !invalid.where(e ->
                e.value().path("receivedAt").asText().equals(receivedAt) && e.value().path("index").asInt() == 3).isEmpty());
        assertThat(invalid.where(e -> e.value().path("receivedAt").asText().equals(receivedAt)
                && e.value().path("index").asInt() == 3).get(0).value().get("message").asInt()).isEqualTo(42);
    }

    @Test
    void aStrictSourceRefusesTheBatchWhole() {
        String run = IngestApiTest.uniqueId();
        String body = "{\"batch\":[" + track(run + "-0") + ",{\"type\":\"track\",\"userId\":\"u\"}," + track(run + "-2") + "]}";
        Http.Response r = Http.post(DROVER.url("/v1/batch"), body, "Authorization", Http.basic(STRICT_KEY));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("code").asText()).isEqualTo("missing_event");
        assertThat(r.json().get("message").asText()).contains("batch[1]");
        // Nothing of it was stored: a later good message of the same source is, and is the only one.
        String later = run + "-later";
        assertThat(Http.post(DROVER.url("/v1/track"), track(later), "Authorization", Http.basic(STRICT_KEY)).status())
                .isEqualTo(200);
        DROVER.topic.await(later);
        assertThat(DROVER.topic.find(run + "-0")).isEmpty();
        assertThat(DROVER.topic.find(run + "-2")).isEmpty();
    }

    @Test
    void everyMessageInvalidIsA400ThatNamesThemAll() {
        String run = IngestApiTest.uniqueId();
        String body = "{\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"messageId\":\"" + run + "-0\"},"
                + "{\"type\":\"alias\",\"userId\":\"u\",\"messageId\":\"" + run + "-1\"}]}";
        Http.Response r = Http.post(DROVER.url("/v1/batch"), body, "Authorization", Http.basic(WEB_KEY));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("success").asBoolean()).isFalse();
        assertThat(r.json().get("code").asText()).isEqualTo("missing_event");
        assertThat(r.json().get("rejected")).hasSize(2);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> failedOf(run).size() == 2);
    }

    @Test
    void aBatchContextCountsTowardEachMessageAsStored() {
        String context = "{\"page\":{\"title\":\"" + "t".repeat(20 * 1024) + "\"}}";
        // 20 KB of context and 13 KB of its own: 33 KB as stored, over the 32 KB a message may be.
        String run = IngestApiTest.uniqueId();
        String big = "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"" + run + "-big\","
                + "\"properties\":{\"p\":\"" + "p".repeat(13 * 1024) + "\"}}";
        Http.Response one = Http.post(DROVER.url("/v1/batch"), "{\"context\":" + context + ",\"batch\":[" + big + ","
                + track(run + "-small") + "]}", "Authorization", Http.basic(WEB_KEY));
        assertThat(one.status()).as(one.body()).isEqualTo(200);
        assertThat(one.json().get("rejected").get(0).get("code").asText()).isEqualTo("message_too_large");
        assertThat(one.json().get("rejected").get(0).get("message").asText()).contains("with the batch's context");
        assertThat(DROVER.topic.await(run + "-small").value().get("context").get("page").get("title").asText())
                .hasSize(20 * 1024);

        // 2,400 small messages with that context would store ~50 MB: refused whole, before any copy is made.
        StringBuilder many = new StringBuilder("{\"context\":" + context + ",\"batch\":[");
        for (int i = 0; i < 2400; i++) {
            many.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\"}");
        }
        Http.Response all = Http.post(DROVER.url("/v1/batch"), many.append("]}").toString(),
                "Authorization", Http.basic(WEB_KEY));
        assertThat(all.status()).isEqualTo(413);
        assertThat(all.json().get("code").asText()).isEqualTo("stored_too_large");
    }

    private static String track(String messageId) {
        return "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"" + messageId + "\"}";
    }

    /** The failed-events records of messages whose messageId starts with {@code run}. */
    private static List<TopicReader.Event> failedOf(String run) {
        return invalid.where(e -> e.value().path("message").path("messageId").asText().startsWith(run));
    }
}
