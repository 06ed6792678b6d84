package io.drover.destinations.snapchat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.destinations.api.DeliveryException;
import io.drover.destinations.api.ResponseReader;
import io.drover.destinations.api.VendorRequest;

/**
 * Reads Snap's answer. Snap answers {@code {"status":"VALID",...}} when it took the request and
 * {@code {"status":"INVALID","reason":...}} with HTTP 400 when it did not (missing fields, unhashed data, a time out
 * of range). A 2xx whose status is INVALID (or FAILURE, from the test endpoint) is a refusal too, final like a 400:
 * the events are dead-lettered with Snap's reason. Other statuses are classified as usual (429 and 5xx retried).
 */
final class SnapchatAnswer {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SnapchatAnswer() {
    }

    static ResponseReader.Verdict read(int status, String body, long retryAfterMillis, VendorRequest request) {
        if (status >= 200 && status < 300) {
            String verdict = field(body, "status");
            if ("INVALID".equals(verdict) || "FAILURE".equals(verdict)) {
                String reason = field(body, "reason");
                throw new DeliveryException("Snapchat answered " + verdict + (reason == null ? "" : ": " + reason),
                        status, body, false, -1);
            }
            return ResponseReader.Verdict.DELIVERED;
        }
        return ResponseReader.STATUS.read(status, body, retryAfterMillis, request);
    }

    private static String field(String body, String name) {
        try {
            JsonNode answer = MAPPER.readTree(body);
            JsonNode n = answer == null ? null : answer.get(name);
            return n == null || !n.isValueNode() ? null : n.asText();
        } catch (Exception e) {
            return null;
        }
    }
}
