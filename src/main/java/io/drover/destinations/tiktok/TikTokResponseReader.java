package io.drover.destinations.tiktok;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.destinations.api.DeliveryException;
import io.drover.destinations.api.ResponseReader;
import io.drover.destinations.api.VendorRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the Events API's answer: TikTok answers HTTP 200 and reports the outcome in {@code code}/{@code message}
 * ({@code request_id} to quote to TikTok). {@code code} 0 is delivered; 40100 (too many requests) and 5xxxx (TikTok's
 * own errors) are retried; any other code (40001 no permission, 40002 bad parameters, ...) is final and the request's
 * events are dead-lettered with TikTok's answer. A non-2xx status is classified as usual.
 */
final class TikTokResponseReader implements ResponseReader {

    static final TikTokResponseReader INSTANCE = new TikTokResponseReader();
    static final int THROTTLED = 40100;
    private static final Logger LOG = LoggerFactory.getLogger(TikTokResponseReader.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TikTokResponseReader() {
    }

    @Override
    public Verdict read(int status, String body, long retryAfterMillis, VendorRequest request) {
        if (status < 200 || status >= 300) {
            throw DeliveryException.answered(status, body, retryAfterMillis);
        }
        JsonNode answer;
        try {
            answer = MAPPER.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (Exception e) {
            answer = MAPPER.createObjectNode();
        }
        JsonNode code = answer.get("code");
        if (code == null || !code.canConvertToInt()) {
            LOG.warn("TikTok answered HTTP {} without a code; taken as delivered", status);
            return Verdict.DELIVERED;
        }
        int c = code.asInt();
        if (c == 0) {
            return Verdict.DELIVERED;
        }
        boolean retry = c == THROTTLED || (c >= 50000 && c < 60000);
        String reason = "TikTok code " + c + ": " + answer.path("message").asText("")
                + (answer.has("request_id") ? " (request_id " + answer.path("request_id").asText() + ")" : "");
        // TikTok's body as Drover keeps any vendor answer (cut at 4,000 characters).
        String kept = DeliveryException.answered(status, body, -1).responseBody();
        throw new DeliveryException(reason, status, kept, retry, retryAfterMillis);
    }
}
