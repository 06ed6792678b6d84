package io.drover.destinations.ga4;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.ResponseReader;
import io.drover.destinations.api.VendorRequest;

/**
 * Reads the GA4 validation server's answer ({@code /debug/mp/collect}): a 200 whose {@code validationMessages} name
 * what is wrong ({@code {"fieldPath", "description", "validationCode"}}). A message that points at one event (its
 * index in {@code events}, in the field path or the description) dead-letters that event; one that does not
 * dead-letters the whole request's events. Either way nothing else is sent again: the validation server records
 * nothing, so retrying cannot help. (The production endpoint answers 2xx even for a malformed payload: there only
 * the status is read.)
 */
final class ValidationReader {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern INDEX = Pattern.compile("(?:events\\[|index: \\[)(\\d+)\\]");

    private ValidationReader() {
    }

    static ResponseReader.Verdict read(int status, String body, long retryAfterMillis, VendorRequest request) {
        if (status < 200 || status >= 300) {
            return ResponseReader.STATUS.read(status, body, retryAfterMillis, request);
        }
        JsonNode messages;
        try {
            messages = MAPPER.readTree(body.isEmpty() ? "{}" : body).path("validationMessages");
        } catch (Exception e) {
            return ResponseReader.Verdict.DELIVERED;
        }
        if (!messages.isArray() || messages.isEmpty()) {
            return ResponseReader.Verdict.DELIVERED;
        }
        List<ObjectNode> events = request.events();
        Map<ObjectNode, String> rejected = new IdentityHashMap<>();
        for (JsonNode m : messages) {
            String fieldPath = m.path("fieldPath").asText("");
            String description = m.path("description").asText("");
            String reason = "GA4 validation " + m.path("validationCode").asText("") + " at " + fieldPath + ": " + description;
            int index = index(fieldPath, description);
            if (index >= 0 && index < events.size()) {
                rejected.merge(events.get(index), reason, (a, b) -> a + "; " + b);
            } else {
                events.forEach(e -> rejected.merge(e, reason, (a, b) -> a + "; " + b));
            }
        }
        return ResponseReader.Verdict.partial(rejected, true);
    }

    /** The event index a message names ("events[2].params" or "Event at index: [2]"), -1 when none. */
    static int index(String fieldPath, String description) {
        for (String s : new String[] {fieldPath, description}) {
            Matcher m = INDEX.matcher(s);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return -1;
    }
}
