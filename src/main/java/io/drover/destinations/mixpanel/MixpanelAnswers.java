package io.drover.destinations.mixpanel;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.DeliveryException;
import io.drover.destinations.api.ResponseReader;

/** How Mixpanel's answers are read, one reader per endpoint. */
final class MixpanelAnswers {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private MixpanelAnswers() {
    }

    /**
     * /import with strict=1: a 400 with {@code failed_records} names the refused events by index, and "Mixpanel will
     * ingest the events that pass validation": those are rejected, the others delivered. Anything else follows
     * Drover's status classification (429 and 5xx retried with Retry-After, 413 and other 4xx dead-lettered).
     */
    static final ResponseReader IMPORT = (status, body, retryAfterMillis, request) -> {
        if (status >= 200 && status < 300) {
            return ResponseReader.Verdict.DELIVERED;
        }
        if (status == 400) {
            Map<ObjectNode, String> rejected = failedRecords(parse(body), request.events());
            if (!rejected.isEmpty()) {
                return ResponseReader.Verdict.partial(rejected, true);
            }
        }
        throw DeliveryException.answered(status, body, retryAfterMillis);
    };

    /**
     * /engage answers 200 even when it refused the updates: with verbose=1 the body says {@code {"status": 1}} (taken)
     * or {@code {"status": 0, "error": "..."}} (refused, not worth retrying); without it, {@code 1} or {@code 0}.
     */
    static final ResponseReader ENGAGE = (status, body, retryAfterMillis, request) -> {
        if (status < 200 || status >= 300) {
            throw DeliveryException.answered(status, body, retryAfterMillis);
        }
        JsonNode answer = parse(body);
        JsonNode ok = answer.isObject() ? answer.path("status") : answer;
        if (ok.asInt(1) == 1) {
            return ResponseReader.Verdict.DELIVERED;
        }
        String error = answer.path("error").asText("");
        throw new DeliveryException("Mixpanel refused the profile updates" + (error.isEmpty() ? "" : ": " + error),
                status, body, false, -1);
    };

    static Map<ObjectNode, String> failedRecords(JsonNode answer, List<ObjectNode> events) {
        Map<ObjectNode, String> rejected = new IdentityHashMap<>();
        for (JsonNode failed : answer.path("failed_records")) {
            int i = failed.path("index").asInt(-1);
            if (i >= 0 && i < events.size()) {
                String why = failed.path("field").asText("") + ": " + failed.path("message").asText("");
                rejected.merge(events.get(i), "Mixpanel refused the event: " + why, (a, b) -> a + "; " + why);
            }
        }
        return rejected;
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : MAPPER.readTree(body);
            return node == null ? MAPPER.createObjectNode() : node;
        } catch (Exception e) {
            return MAPPER.createObjectNode();
        }
    }
}
