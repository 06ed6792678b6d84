package io.drover.destinations.meta;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
 * The Meta Conversions API request: {@code POST <base>/<version>/<pixel id>/events?access_token=...} with
 * {@code {"data": [server events], "test_event_code": ...}}, at most 1,000 events a request. The access token goes in
 * the query string, as Meta documents; Drover masks it in dead letters, and it is never part of a log line here.
 */
public class MetaRequest implements Processor {

    /** Meta takes up to 1,000 events in one request. */
    public static final int MAX_EVENTS = 1000;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private String pixelId;
    private String accessToken;
    private String baseUrl = "https://graph.facebook.com";
    private String apiVersion = "v26.0";
    private String testEventCode;
    private String actionSource = MetaEvents.Options.AUTO;
    private String defaultCurrency;
    private volatile String url;

    public void setPixelId(String pixelId) {
        this.pixelId = pixelId.trim();
        url = null;
    }

    public void setAccessToken(String accessToken) {
        this.accessToken = accessToken.trim();
        url = null;
    }

    public void setBaseUrl(String baseUrl) {
        this.baseUrl = baseUrl.trim().replaceAll("/+$", "");
        url = null;
    }

    public void setApiVersion(String apiVersion) {
        this.apiVersion = apiVersion.trim();
        url = null;
    }

    public void setTestEventCode(String testEventCode) {
        this.testEventCode = testEventCode == null || testEventCode.isBlank() ? null : testEventCode.trim();
    }

    /** {@code action_source} of every event, or {@code auto} (the default): see {@link MetaEvents#actionSource}. */
    public void setActionSource(String actionSource) {
        this.actionSource = actionSource == null || actionSource.isBlank() ? MetaEvents.Options.AUTO : actionSource.trim();
    }

    /** The currency of a value that comes without one (a shop that sells in one currency); empty: none. */
    public void setDefaultCurrency(String defaultCurrency) {
        this.defaultCurrency = io.drover.destinations.Currencies.setting(defaultCurrency);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws JsonProcessingException {
        List<ObjectNode> events = exchange.getIn().getBody(List.class);
        Batch batch = Batch.of(exchange);
        MetaEvents.Options options = new MetaEvents.Options(actionSource, defaultCurrency);
        List<Mapped.Item<ObjectNode>> mapped = Mapped.each(events, batch,
                event -> MetaEvents.map(event, options, batch::omitted).refusalPrefixed("Meta: "));
        List<VendorRequest> requests = new ArrayList<>();
        for (List<Mapped.Item<ObjectNode>> chunk : Chunks.of(mapped, MAX_EVENTS, 0, 0, m -> 0).chunks()) {
            ObjectNode body = MAPPER.createObjectNode();
            ArrayNode data = body.putArray("data");
            chunk.forEach(m -> data.add(m.value()));
            if (testEventCode != null) {
                body.put("test_event_code", testEventCode);
            }
            requests.add(new VendorRequest("POST", url(), Map.of("Content-Type", "application/json"),
                    JsonText.of(body), chunk.stream().map(Mapped.Item::event).toList(),
                    MetaResponseReader.INSTANCE));
        }
        exchange.getIn().setBody(requests);
    }

    private String url() {
        String u = url;
        if (u == null) {
            if (pixelId == null || pixelId.isEmpty() || accessToken == null || accessToken.isEmpty()) {
                throw new IllegalStateException("Meta needs meta.pixel-id and meta.access-token");
            }
            u = baseUrl + "/" + apiVersion + "/" + URLEncoder.encode(pixelId, StandardCharsets.UTF_8)
                    + "/events?access_token=" + URLEncoder.encode(accessToken, StandardCharsets.UTF_8);
            url = u;
        }
        return u;
    }
}
