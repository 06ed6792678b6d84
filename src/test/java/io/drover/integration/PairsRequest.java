package io.drover.integration;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.Chunks;
import io.drover.destinations.api.ResponseReader;
import io.drover.destinations.api.VendorRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * A test module's request bean: two events per request ({"ids":[...]}), and a reader for answers that name bad
 * events by index ({"invalid":[1],"accepted":false}), as Amplitude's 400 and Mixpanel's failed_records do.
 */
public class PairsRequest implements Processor {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) {
        List<ObjectNode> events = exchange.getIn().getBody(List.class);
        List<VendorRequest> requests = new ArrayList<>();
        for (List<ObjectNode> pair : Chunks.of(events, 2, 0, 0, e -> 0).chunks()) {
            ObjectNode body = MAPPER.createObjectNode();
            pair.forEach(e -> body.withArray("ids").add(e.path("messageId").asText()));
            requests.add(VendorRequest.json(body.toString(), pair).withHeader("X-Part", String.valueOf(requests.size()))
                    .withReader(PairsRequest::read));
        }
        exchange.getIn().setBody(requests);
    }

    static ResponseReader.Verdict read(int status, String body, long retryAfter, VendorRequest request) {
        JsonNode answer;
        try {
            answer = MAPPER.readTree(body.isEmpty() ? "{}" : body);
        } catch (Exception e) {
            answer = MAPPER.createObjectNode();
        }
        if (!answer.has("invalid")) {
            return ResponseReader.STATUS.read(status, body, retryAfter, request);
        }
        Map<ObjectNode, String> rejected = new IdentityHashMap<>();
        answer.get("invalid").forEach(i -> rejected.put(request.events().get(i.asInt()), "invalid field at index " + i.asInt()));
        return ResponseReader.Verdict.partial(rejected, answer.path("accepted").asBoolean());
    }
}
