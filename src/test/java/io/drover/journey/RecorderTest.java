package io.drover.journey;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The funnel a recorder counts: each event once (received, left out by its reason or delivered), and its latency
 * "from acknowledgement to vendor answer": from the event's receivedAt (Drover's, written at ingestion) to the answer
 * of the call that carried it, for every delivered event and not only the sampled ones.
 */
class RecorderTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static ObjectNode event(String id, Instant receivedAt) {
        return MAPPER.createObjectNode().put("type", "track").put("event", "Order Completed").put("userId", "u1")
                .put("messageId", id).put("receivedAt", receivedAt.toString());
    }

    @Test
    void itRunsFromReceivedAtToTheAnswerOfTheCallThatCarriedTheEvent() {
        Instant received = Instant.parse("2026-12-01T10:00:00.000Z");
        Call call = new Call(received.toEpochMilli() + 100, "POST", "http://127.0.0.1/x", Map.of(), "{}", 100, 1);
        call.answered(200, "{}", 100, received.toEpochMilli() + 640);
        long batchEnd = received.toEpochMilli() + 5_000;
        assertThat(Recorder.latency(event("m1", received), call, batchEnd)).isEqualTo(640);
        // A call with no answer recorded (a sink's write): to the batch's end.
        Call unanswered = new Call(received.toEpochMilli() + 100, "POST", "http://127.0.0.1/x", Map.of(), "{}", 100, 1);
        assertThat(Recorder.latency(event("m2", received), unanswered, batchEnd)).isEqualTo(5_000);
        assertThat(Recorder.latency(MAPPER.createObjectNode().put("messageId", "m3"), call, batchEnd)).isEqualTo(-1);
    }

    @Test
    void everyDeliveredEventIsTimedEvenWhenItsJourneyIsNotRecorded() {
        Store store = new Store("webhook", 16, 16, 60_000);
        // max-per-second 0: no journey is sampled; the funnel still counts and times every event.
        Recorder recorder = new Recorder(store, new Journeys.Settings(true, 1, 0, 16, 16, 60_000, 4096));
        Instant received = Instant.now().minusSeconds(4);
        List<ObjectNode> events = List.of(event("a", received), event("b", received));
        recorder.attempt(1);
        events.forEach(e -> recorder.decided(e, null, null));
        recorder.sending("POST", "http://127.0.0.1/hook", Map.of(), "[]", events);
        recorder.answered(200, "{\"ok\":true}");
        recorder.finished(events, e -> null, e -> false, e -> false, null);

        assertThat(store.recent.snapshot()).isEmpty();
        JsonNode funnel = store.funnel.toJson(System.currentTimeMillis(), 5);
        assertThat(funnel.get("delivered").asLong()).isEqualTo(2);
        assertThat(funnel.at("/latencyMs/samples").asLong()).isEqualTo(2);
        // Buckets are a quarter of a doubling wide: 4 s lands in the one that ends below 4.8 s.
        assertThat(funnel.at("/latencyMs/p50").asDouble()).isBetween(4_000.0, 4_800.0);
        assertThat(funnel.at("/latencyMs/p95").asDouble()).isBetween(4_000.0, 4_800.0);
    }

    @Test
    void anEventTheSelectionLeftOutIsCountedOnceUnderItsReason() {
        Store store = new Store("webhook", 16, 16, 60_000);
        Recorder recorder = new Recorder(store, new Journeys.Settings(true, 1, 200, 16, 16, 60_000, 4096));
        Instant received = Instant.now();
        ObjectNode out = event("out", received);
        List<ObjectNode> sent = List.of(event("in-1", received), event("in-2", received));
        recorder.attempt(1);
        recorder.decided(out, "integrations_object", "the integrations object turns it off");
        sent.forEach(e -> recorder.decided(e, null, null));
        recorder.sending("POST", "http://127.0.0.1/hook", Map.of(), "[]", sent);
        recorder.answered(200, "{\"ok\":true}");
        recorder.finished(List.of(out, sent.get(0), sent.get(1)), e -> null, e -> false, e -> false, null);

        JsonNode funnel = store.funnel.toJson(System.currentTimeMillis(), 5);
        assertThat(funnel.get("received").asLong()).isEqualTo(3);
        assertThat(funnel.at("/leftOut/integrations_object").asLong()).isEqualTo(1);
        assertThat(funnel.at("/leftOut/module").asLong()).isZero();
        assertThat(funnel.get("leftOutTotal").asLong()).isEqualTo(1);
        assertThat(funnel.get("delivered").asLong()).isEqualTo(2);
        assertThat(funnel.get("selectionRate").asDouble()).isEqualTo(0.6667);
    }
}
