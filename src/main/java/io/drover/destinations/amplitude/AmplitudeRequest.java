package io.drover.destinations.amplitude;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.Batch;
import io.drover.destinations.api.VendorRequest;
import io.drover.destinations.api.Chunks;
import io.drover.destinations.api.Mapped;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Amplitude's HTTP V2 API ({@code POST /2/httpapi}, https://amplitude.com/docs/apis/analytics/http-v2): the selected
 * track, page, screen and identify events as {@code {"api_key", "events": [...], "options"}}, cut into requests of at
 * most 2,000 events and 1 MB. An event Amplitude cannot take (no usable id, larger than a request) is rejected here;
 * the answers are read by {@link AmplitudeAnswer}.
 */
public class AmplitudeRequest implements Processor {

    /** Amplitude's per-request limits: "up to 2,000 events" and "under 1 MB". */
    static final int MAX_EVENTS = 2000;
    static final int MAX_BYTES = 1_000_000;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private String apiKey;
    private int minIdLength = AmplitudeEvents.DEFAULT_MIN_ID_LENGTH;
    private AmplitudeEvents events = new AmplitudeEvents(minIdLength);

    public void setApiKey(String apiKey) {
        this.apiKey = apiKey;
    }

    /** Amplitude's {@code min_id_length} option (default 5): shorter user and device ids are not sent. */
    public void setMinIdLength(int minIdLength) {
        if (minIdLength < 1) {
            throw new IllegalArgumentException("amplitude.min-id-length must be at least 1, not " + minIdLength);
        }
        this.minIdLength = minIdLength;
        this.events = new AmplitudeEvents(minIdLength);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws JsonProcessingException {
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalStateException("Amplitude has no API key (AMPLITUDE_API_KEY)");
        }
        List<ObjectNode> selected = exchange.getIn().getBody(List.class);
        Batch batch = Batch.of(exchange);
        List<Item> items = new ArrayList<>(selected.size());
        for (Mapped.Item<ObjectNode> m : Mapped.each(selected, batch, events::map)) {
            items.add(new Item(m.event(), MAPPER.writeValueAsString(m.value())));
        }
        String head = "{\"api_key\":" + MAPPER.writeValueAsString(apiKey) + ",\"events\":[";
        String tail = "]" + (minIdLength == AmplitudeEvents.DEFAULT_MIN_ID_LENGTH ? ""
                : ",\"options\":{\"min_id_length\":" + minIdLength + "}") + "}";
        Chunks<Item> chunks = Chunks.of(items, MAX_EVENTS, MAX_BYTES, utf8Length(head) + utf8Length(tail), Item::bytes);
        for (Item tooLarge : chunks.tooLarge()) {
            batch.refuse(tooLarge.event(), "too_large", "the event alone is larger than Amplitude's 1 MB request limit ("
                    + tooLarge.bytes() + " bytes)");
        }
        List<VendorRequest> requests = new ArrayList<>(chunks.chunks().size());
        for (List<Item> chunk : chunks.chunks()) {
            StringBuilder body = new StringBuilder(head);
            List<ObjectNode> carried = new ArrayList<>(chunk.size());
            for (Item item : chunk) {
                body.append(carried.isEmpty() ? "" : ",").append(item.json());
                carried.add(item.event());
            }
            body.append(tail);
            requests.add(VendorRequest.json(body.toString(), carried).withReader(AmplitudeAnswer.INSTANCE));
        }
        exchange.getIn().setBody(requests);
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** A selected event and its Amplitude JSON, measured once. */
    private record Item(ObjectNode event, String json, int bytes) {
        Item(ObjectNode event, String json) {
            this(event, json, utf8Length(json));
        }
    }
}
