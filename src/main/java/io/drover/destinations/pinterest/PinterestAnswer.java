package io.drover.destinations.pinterest;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.ResponseReader;
import io.drover.destinations.api.VendorRequest;

/**
 * Reads Pinterest's answer ({@code ConversionApiResponse}: {@code num_events_received}, {@code num_events_processed},
 * and {@code events}, one entry per event in the order sent, each {@code processed} or {@code failed} with an
 * {@code error_message}). HTTP 200, or 422 "Not all events were successfully processed": the failed events are
 * dead-lettered with Pinterest's message and the others count as delivered (Pinterest processed them). A 422 that
 * names no failed event, and every other status, is classified as usual: 429 and 5xx retried, other 4xx final.
 */
final class PinterestAnswer {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private PinterestAnswer() {
    }

    static ResponseReader.Verdict read(int status, String body, long retryAfterMillis, VendorRequest request) {
        boolean ok = status >= 200 && status < 300;
        if (ok || status == 422) {
            Map<ObjectNode, String> failed = failedEvents(body, request.events());
            if (!failed.isEmpty()) {
                return ResponseReader.Verdict.partial(failed, true);
            }
            if (ok) {
                return ResponseReader.Verdict.DELIVERED;
            }
        }
        return ResponseReader.STATUS.read(status, body, retryAfterMillis, request);
    }

    /** The events the answer marks failed, with Pinterest's message. */
    static Map<ObjectNode, String> failedEvents(String body, List<ObjectNode> sent) {
        Map<ObjectNode, String> failed = new IdentityHashMap<>();
        JsonNode results = results(body);
        for (int i = 0; i < results.size() && i < sent.size(); i++) {
            JsonNode r = results.get(i);
            if ("failed".equals(r.path("status").asText())) {
                String message = r.path("error_message").asText("");
                failed.put(sent.get(i), "Pinterest: event failed" + (message.isEmpty() ? "" : ": " + message));
            }
        }
        return failed;
    }

    /** The per-event results: {@code events} at the top (200), or inside a 422's {@code details}. */
    private static JsonNode results(String body) {
        try {
            JsonNode answer = MAPPER.readTree(body);
            if (answer == null) {
                return MAPPER.createArrayNode();
            }
            JsonNode events = answer.path("events");
            if (!events.isArray()) {
                events = answer.path("details").path("events");
            }
            return events.isArray() ? events : MAPPER.createArrayNode();
        } catch (Exception e) {
            return MAPPER.createArrayNode();
        }
    }
}
