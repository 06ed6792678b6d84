package io.drover.destinations.snapchat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.Batch;
import io.drover.destinations.DataArrayRequests;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The request bean of the {@code snapchat} module: selected events to Snap's Conversions API v3,
 * {@code POST <base>/v3/<pixel id>/events?access_token=<token>} with {@code {"data":[...]}}, cut to at most
 * {@link #MAX_EVENTS} events and {@link #MAX_BYTES} bytes per request. Events Snap has no standard event for are left
 * out; events it would refuse (no page URL, nothing to match the user on, a purchase without value or currency) are
 * rejected here, so that they do not sink the batch they travel in. With {@code test} the events go to
 * {@code /events/validate}, Snap's test endpoint, and are not recorded.
 */
public class SnapchatRequest implements Processor {

    /** Events per request: Snap's v3 pages state no limit; 2,000 is what its partners apply (docs/integrations). */
    static final int MAX_EVENTS = 2000;
    /** Bytes per request: Snap publishes no limit for v3; a conservative guard. */
    static final int MAX_BYTES = 2_000_000;

    private String pixelId;
    private String accessToken;
    private String baseUrl = "https://tr.snapchat.com";
    private boolean test;
    private volatile String url;

    public void setPixelId(String pixelId) {
        this.pixelId = pixelId == null ? null : pixelId.trim();
        this.url = null;
    }

    public void setAccessToken(String accessToken) {
        this.accessToken = accessToken == null ? null : accessToken.trim();
        this.url = null;
    }

    public void setBaseUrl(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.url = null;
    }

    public void setTest(boolean test) {
        this.test = test;
        this.url = null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws JsonProcessingException {
        List<ObjectNode> events = exchange.getIn().getBody(List.class);
        Batch batch = Batch.of(exchange);
        exchange.getIn().setBody(DataArrayRequests.of(events, SnapchatEvent::map, MAX_EVENTS, MAX_BYTES, batch, "Snapchat",
                r -> r.withUrl(url()).withReader(SnapchatAnswer::read)));
    }

    /** The events URL, built once from the settings (the token in the query, as Snap documents it). */
    String url() {
        String u = url;
        if (u == null) {
            if (pixelId == null || pixelId.isEmpty() || accessToken == null || accessToken.isEmpty()) {
                throw new IllegalStateException("snapchat needs snapchat.pixel-id and snapchat.access-token");
            }
            u = baseUrl + "/v3/" + URLEncoder.encode(pixelId, StandardCharsets.UTF_8) + "/events"
                    + (test ? "/validate" : "") + "?access_token="
                    + URLEncoder.encode(accessToken, StandardCharsets.UTF_8);
            url = u;
        }
        return u;
    }
}
