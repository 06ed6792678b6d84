package io.drover.destinations.meta;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.destinations.api.DeliveryException;
import io.drover.destinations.api.ResponseReader;
import io.drover.destinations.api.VendorRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the Conversions API's answer. 2xx with {@code events_received}: delivered (Meta takes or refuses a request as
 * a whole; a count below what was sent names no event, so it is logged, not retried). A Graph API error
 * ({@code error.code}, {@code error_subcode}, {@code fbtrace_id}) with a rate-limit code (4, 17, 32, 613) is retried;
 * any other follows the status (5xx retried, 4xx dead-lettered with Meta's body).
 */
final class MetaResponseReader implements ResponseReader {

    static final MetaResponseReader INSTANCE = new MetaResponseReader();
    /** Graph API throttling: application (4), user (17), page (32) request limits, and calls within an hour (613). */
    static final Set<Integer> RATE_LIMIT_CODES = Set.of(4, 17, 32, 613);
    private static final Logger LOG = LoggerFactory.getLogger(MetaResponseReader.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private MetaResponseReader() {
    }

    @Override
    public Verdict read(int status, String body, long retryAfterMillis, VendorRequest request) {
        JsonNode answer = parse(body);
        if (status >= 200 && status < 300) {
            int received = answer.path("events_received").asInt(-1);
            if (received >= 0 && received < request.events().size()) {
                LOG.warn("Meta received {} of {} events (fbtrace_id {})", received, request.events().size(),
                        answer.path("fbtrace_id").asText("?"));
            }
            return Verdict.DELIVERED;
        }
        JsonNode error = answer.path("error");
        int code = error.path("code").asInt(-1);
        if (RATE_LIMIT_CODES.contains(code)) {
            throw new DeliveryException("Meta rate limit (error code " + code + ")", status, body, true,
                    retryAfterMillis);
        }
        DeliveryException failure = DeliveryException.answered(status, body, retryAfterMillis);
        if (error.isObject()) {
            String reason = "Meta error " + code
                    + (error.has("error_subcode") ? "/" + error.path("error_subcode").asText() : "")
                    + ": " + error.path("message").asText("")
                    + (error.has("fbtrace_id") ? " (fbtrace_id " + error.path("fbtrace_id").asText() + ")" : "");
            throw new DeliveryException(reason, status, failure.responseBody(), failure.retryable(), retryAfterMillis);
        }
        throw failure;
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(body);
        } catch (Exception e) {
            return MAPPER.createObjectNode();
        }
    }
}
