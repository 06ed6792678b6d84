package io.drover.destinations.googleads;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.ResponseReader;
import io.drover.destinations.api.VendorRequest;

/**
 * Reads Google Ads' answer to uploadClickConversions with {@code partialFailure: true}: a 200 may carry a
 * {@code partialFailureError} (a google.rpc.Status) whose {@code details[].errors[]} name the failed conversions by
 * their index ({@code location.fieldPathElements: [{"fieldName": "conversions", "index": 3}]}). Those events are
 * dead-lettered with the error code and message; the others were taken. An error that names no conversion applies to
 * every conversion of the request that no other error named. Google's "too early" errors are not final:
 * {@code TOO_RECENT_EVENT} ("The click associated with the given identifier or iOS URL parameter occurred less than 6
 * hours ago. Retry after 6 hours have passed.") and {@code TOO_RECENT_CONVERSION_ACTION} ("Try importing again in 6
 * hours") put the conversion on the integration's retry topic, to be uploaded again after the configured time (6
 * hours). Other statuses follow design.md's classification (429 RESOURCE_EXHAUSTED and 5xx are retried, 400/401/403
 * are dead letters).
 */
final class PartialFailureReader {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private PartialFailureReader() {
    }

    /** Google's errors that mean "not yet": the conversion is uploaded again later. */
    static final java.util.Set<String> TOO_EARLY = java.util.Set.of("TOO_RECENT_EVENT", "TOO_RECENT_CONVERSION_ACTION");

    static ResponseReader.Verdict read(int status, String body, long retryAfterMillis, VendorRequest request) {
        return read(status, body, retryAfterMillis, request, java.time.Duration.ofHours(6).toMillis());
    }

    static ResponseReader.Verdict read(int status, String body, long retryAfterMillis, VendorRequest request,
                                       long tooEarlyRetryMillis) {
        if (status < 200 || status >= 300) {
            return ResponseReader.STATUS.read(status, body, retryAfterMillis, request);
        }
        JsonNode failure;
        try {
            failure = MAPPER.readTree(body.isEmpty() ? "{}" : body).path("partialFailureError");
        } catch (Exception e) {
            return ResponseReader.Verdict.DELIVERED;
        }
        if (!failure.isObject() || failure.isEmpty()) {
            return ResponseReader.Verdict.DELIVERED;
        }
        List<ObjectNode> events = request.events();
        Map<ObjectNode, String> rejected = new IdentityHashMap<>();
        Map<ObjectNode, ResponseReader.Later> later = new IdentityHashMap<>();
        StringBuilder unplaced = new StringBuilder();
        for (JsonNode detail : failure.path("details")) {
            for (JsonNode error : detail.path("errors")) {
                String reason = reason(error);
                int index = index(error);
                if (index >= 0 && index < events.size() && TOO_EARLY.contains(
                        error.path("errorCode").path("conversionUploadError").asText())) {
                    later.putIfAbsent(events.get(index), new ResponseReader.Later(tooEarlyRetryMillis, reason));
                } else if (index >= 0 && index < events.size()) {
                    rejected.merge(events.get(index), reason, (a, b) -> a + "; " + b);
                } else {
                    unplaced.append(unplaced.length() == 0 ? "" : "; ").append(reason);
                }
            }
        }
        rejected.keySet().forEach(later::remove);   // another error of the same conversion is final
        if (rejected.isEmpty() && later.isEmpty() && unplaced.length() == 0) {
            // a status without details: still a failure for every conversion, never silently taken
            unplaced.append("Google Ads partial failure: ").append(failure.path("message").asText(failure.toString()));
        }
        if (unplaced.length() > 0) {
            for (ObjectNode e : events) {
                if (!later.containsKey(e)) {
                    rejected.putIfAbsent(e, unplaced.toString());
                }
            }
        }
        return ResponseReader.Verdict.partial(rejected, later);
    }

    /** "conversionUploadError CLICK_NOT_FOUND: The click associated with the given identifier..." */
    private static String reason(JsonNode error) {
        StringBuilder b = new StringBuilder();
        error.path("errorCode").fields().forEachRemaining(f -> b.append(f.getKey()).append(' ').append(f.getValue().asText()));
        if (b.length() == 0) {
            b.append("Google Ads error");
        }
        String message = error.path("message").asText("");
        return message.isEmpty() ? b.toString() : b.append(": ").append(message).toString();
    }

    /** The index of the conversion an error names, -1 when it names none. */
    static int index(JsonNode error) {
        for (JsonNode element : error.path("location").path("fieldPathElements")) {
            if ("conversions".equals(element.path("fieldName").asText()) && element.path("index").isInt()) {
                return element.path("index").asInt();
            }
        }
        return -1;
    }
}
