package io.drover.destinations;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;


import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.Batch;
import io.drover.destinations.api.Chunks;
import io.drover.destinations.api.Mapped;
import io.drover.destinations.api.VendorRequest;

/**
 * Requests of the form {@code {"data":[...]}} (Meta-like conversion APIs: Snapchat, Pinterest), each within a
 * vendor's count and byte limits. The events arrive already serialised for the vendor, in order; one too large for
 * any request is rejected.
 */
public final class DataArrayRequests {

    private static final String OPEN = "{\"data\":[";
    private static final String CLOSE = "]}";

    private DataArrayRequests() {
    }

    /**
     * The whole request bean of such a vendor: each event mapped by {@code mapping} (left out and refused ones
     * reported to {@code batch}), then cut into requests.
     */
    public static List<VendorRequest> of(List<ObjectNode> events, Function<JsonNode, Mapped<ObjectNode>> mapping,
                                         int maxEvents, int maxBytes, Batch batch, String vendor,
                                         UnaryOperator<VendorRequest> finish) throws JsonProcessingException {
        List<Item> items = new ArrayList<>(events.size());
        for (Mapped.Item<ObjectNode> m : Mapped.each(events, batch, mapping::apply)) {
            items.add(Item.of(m.event(), JsonText.of(m.value())));
        }
        return of(items, maxEvents, maxBytes, batch, vendor, finish);
    }

    /** A selected event and its element of {@code data}, as JSON. */
    public record Item(ObjectNode event, String json, int bytes) {

        public static Item of(ObjectNode event, String json) {
            return new Item(event, json, json.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    /**
     * @param vendor    for the rejection reason
     * @param finish    completes each JSON POST (URL, headers, response reader)
     */
    public static List<VendorRequest> of(List<Item> items, int maxEvents, int maxBytes, Batch batch, String vendor,
                                         UnaryOperator<VendorRequest> finish) {
        Chunks<Item> chunks = Chunks.of(items, maxEvents, maxBytes, OPEN.length() + CLOSE.length(), Item::bytes);
        chunks.tooLarge().forEach(i -> batch.refuse(i.event(), "too_large", "larger than a whole " + vendor + " request ("
                + i.bytes() + " bytes; at most " + maxBytes + ")"));
        List<VendorRequest> requests = new ArrayList<>(chunks.chunks().size());
        for (List<Item> chunk : chunks.chunks()) {
            StringBuilder body = new StringBuilder(OPEN);
            List<ObjectNode> carried = new ArrayList<>(chunk.size());
            for (Item i : chunk) {
                body.append(carried.isEmpty() ? "" : ",").append(i.json());
                carried.add(i.event());
            }
            body.append(CLOSE);
            requests.add(finish.apply(VendorRequest.json(body.toString(), carried).withMethod("POST")));
        }
        return requests;
    }
}
