package io.drover.destinations.amplitude;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.DeliveryException;
import io.drover.destinations.api.ResponseReader;
import io.drover.destinations.api.VendorRequest;

/**
 * Reads Amplitude's answers (HTTP V2 API, "Response format"). A 400 that names events by their index
 * ({@code events_with_invalid_fields}, {@code events_with_missing_fields}, {@code silenced_events}) rejects those
 * events; Amplitude ingested none of the request, so the others are sent again. A 429 is retried after Amplitude's
 * 30 s pause unless it says otherwise in Retry-After. Anything else follows Drover's status classification (413 and
 * other 4xx: dead letters; 5xx: retried).
 */
final class AmplitudeAnswer implements ResponseReader {

    static final AmplitudeAnswer INSTANCE = new AmplitudeAnswer();

    /** "Pause sending events for that user / device for a period of 30 seconds before retrying." */
    static final long THROTTLE_PAUSE_MS = 30_000;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AmplitudeAnswer() {
    }

    @Override
    public Verdict read(int status, String body, long retryAfterMillis, VendorRequest request) {
        if (status >= 200 && status < 300) {
            return Verdict.DELIVERED;
        }
        if (status == 429) {
            throw new DeliveryException("Amplitude throttled users or devices of the request", status, body, true,
                    retryAfterMillis >= 0 ? retryAfterMillis : THROTTLE_PAUSE_MS);
        }
        if (status == 400) {
            Map<ObjectNode, String> rejected = rejected(parse(body), request.events());
            if (!rejected.isEmpty()) {
                return Verdict.partial(rejected, false);
            }
        }
        throw DeliveryException.answered(status, body, retryAfterMillis);
    }

    /** The request's events the 400 names, each with every field Amplitude found wrong in it. */
    static Map<ObjectNode, String> rejected(JsonNode answer, List<ObjectNode> events) {
        Map<ObjectNode, String> rejected = new IdentityHashMap<>();
        byField(answer.path("events_with_invalid_fields"), "invalid", events, rejected);
        byField(answer.path("events_with_missing_fields"), "missing", events, rejected);
        answer.path("silenced_events").forEach(i -> add(i, "its device is silenced", events, rejected));
        return rejected;
    }

    private static void byField(JsonNode map, String problem, List<ObjectNode> events, Map<ObjectNode, String> out) {
        map.fields().forEachRemaining(field -> field.getValue().forEach(i ->
                add(i, problem + " field " + field.getKey(), events, out)));
    }

    private static void add(JsonNode index, String why, List<ObjectNode> events, Map<ObjectNode, String> out) {
        if (!index.canConvertToInt() || index.asInt() < 0 || index.asInt() >= events.size()) {
            return;
        }
        out.merge(events.get(index.asInt()), "Amplitude refused the event: " + why, (a, b) -> a + ", " + why);
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
