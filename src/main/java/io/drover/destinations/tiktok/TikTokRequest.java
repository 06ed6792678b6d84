package io.drover.destinations.tiktok;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.Batch;
import io.drover.destinations.api.VendorRequest;
import io.drover.destinations.api.Chunks;
import io.drover.destinations.api.Mapped;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import io.drover.destinations.JsonText;

/**
 * The TikTok Events API 2.0 request: {@code POST <base>/open_api/v1.3/event/track/} with the access token in the
 * {@code Access-Token} header and {@code {"event_source": "web", "event_source_id": <pixel code>, "data": [...]}},
 * at most 1,000 events a request.
 */
public class TikTokRequest implements Processor {

    /** TikTok takes up to 1,000 events in one request. */
    public static final int MAX_EVENTS = 1000;
    public static final String PATH = "/open_api/v1.3/event/track/";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private String pixelCode;
    private String accessToken;
    private String baseUrl = "https://business-api.tiktok.com";
    private String testEventCode;
    private String defaultCurrency;

    public void setPixelCode(String pixelCode) {
        this.pixelCode = pixelCode.trim();
    }

    public void setAccessToken(String accessToken) {
        this.accessToken = accessToken.trim();
    }

    public void setBaseUrl(String baseUrl) {
        this.baseUrl = baseUrl.trim().replaceAll("/+$", "");
    }

    public void setTestEventCode(String testEventCode) {
        this.testEventCode = testEventCode == null || testEventCode.isBlank() ? null : testEventCode.trim();
    }

    /** The currency of a value that comes without one (a shop that sells in one currency); empty: none. */
    public void setDefaultCurrency(String defaultCurrency) {
        this.defaultCurrency = io.drover.destinations.Currencies.setting(defaultCurrency);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws JsonProcessingException {
        if (pixelCode == null || pixelCode.isEmpty() || accessToken == null || accessToken.isEmpty()) {
            throw new IllegalStateException("TikTok needs tiktok.pixel-code and tiktok.access-token");
        }
        List<ObjectNode> events = exchange.getIn().getBody(List.class);
        Batch batch = Batch.of(exchange);
        List<Mapped.Item<ObjectNode>> mapped = Mapped.each(events, batch,
                event -> TikTokEvents.map(event, defaultCurrency, batch::omitted).refusalPrefixed("TikTok: "));
        String url = baseUrl + PATH;
        Map<String, String> headers = Map.of("Content-Type", "application/json", "Access-Token", accessToken);
        List<VendorRequest> requests = new ArrayList<>();
        for (List<Mapped.Item<ObjectNode>> chunk : Chunks.of(mapped, MAX_EVENTS, 0, 0, m -> 0).chunks()) {
            ObjectNode body = MAPPER.createObjectNode();
            body.put("event_source", "web");
            body.put("event_source_id", pixelCode);
            if (testEventCode != null) {
                body.put("test_event_code", testEventCode);
            }
            ArrayNode data = body.putArray("data");
            chunk.forEach(m -> data.add(m.value()));
            requests.add(new VendorRequest("POST", url, headers, JsonText.of(body),
                    chunk.stream().map(Mapped.Item::event).toList(), TikTokResponseReader.INSTANCE));
        }
        exchange.getIn().setBody(requests);
    }
}
