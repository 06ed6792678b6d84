package io.drover.destinations.braze;

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
 * Reads Braze's answer to one {@code /users/track} request. A 2xx may still carry non-fatal errors, each naming the
 * object it refused by array and index ({@code {"message":"success","errors":[{"type":"...","input_array":"events",
 * "index":3}]}}); Braze processed the other objects, so the events behind the refused ones are dead-lettered with
 * Braze's reason and the rest count as delivered. Any other status is a fatal error and is classified as for every
 * vendor: 400, 401, 403, 404 dead letters; 429 and 5xx retried (with Retry-After when Braze sends one).
 * See https://www.braze.com/docs/api/errors/.
 */
final class TrackResponse implements ResponseReader {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** For each array of the request, the event that produced the object at each index. */
    private final Map<String, List<ObjectNode>> owners;

    TrackResponse(List<ObjectNode> attributeOwners, List<ObjectNode> eventOwners, List<ObjectNode> purchaseOwners) {
        this.owners = Map.of("attributes", attributeOwners, "events", eventOwners, "purchases", purchaseOwners);
    }

    @Override
    public Verdict read(int status, String body, long retryAfterMillis, VendorRequest request) {
        if (status < 200 || status >= 300) {
            throw DeliveryException.answered(status, body, retryAfterMillis);
        }
        JsonNode errors = parse(body).path("errors");
        if (!errors.isArray() || errors.isEmpty()) {
            return Verdict.DELIVERED;
        }
        Map<ObjectNode, String> rejected = new IdentityHashMap<>();
        for (JsonNode error : errors) {
            List<ObjectNode> array = owners.get(error.path("input_array").asText(""));
            JsonNode index = error.path("index");
            // An error that names no object cannot be tied to an event; Braze processed what it did not name.
            if (array != null && index.canConvertToInt() && index.asInt() >= 0 && index.asInt() < array.size()) {
                rejected.putIfAbsent(array.get(index.asInt()), "Braze: " + error.path("type").asText("error")
                        + " (" + error.path("input_array").asText() + "[" + index.asInt() + "])");
            }
        }
        return rejected.isEmpty() ? Verdict.DELIVERED : Verdict.partial(rejected, true);
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(body);
        } catch (Exception e) {
            return MAPPER.createObjectNode();
        }
    }
}
