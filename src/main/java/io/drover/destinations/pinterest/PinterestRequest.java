package io.drover.destinations.pinterest;

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
 * The request bean of the {@code pinterest} module: selected events to Pinterest's Conversions API,
 * {@code POST <base>/v5/ad_accounts/<ad account id>/events} with {@code Authorization: Bearer <token>} and
 * {@code {"data":[...]}}, at most {@link #MAX_EVENTS} events (Pinterest's limit) and {@link #MAX_BYTES} bytes per
 * request; {@code ?test=true} when {@code test} is set (Pinterest checks the events and records none). Events
 * Pinterest has no event for are left out; events it would refuse (nothing to match the user on) are rejected here.
 * The answer names each event that failed: {@link PinterestAnswer}.
 */
public class PinterestRequest implements Processor {

    /** Events per request: {@code data} has at most 1,000 items (ConversionEvents, maxItems). */
    static final int MAX_EVENTS = 1000;
    /** Bytes per request: Pinterest publishes no limit; a conservative guard. */
    static final int MAX_BYTES = 2_000_000;

    private String adAccountId;
    private String accessToken;
    private String baseUrl = "https://api.pinterest.com";
    private boolean test;
    private volatile String url;

    public void setAdAccountId(String adAccountId) {
        this.adAccountId = adAccountId == null ? null : adAccountId.trim();
        this.url = null;
    }

    public void setAccessToken(String accessToken) {
        this.accessToken = accessToken == null ? null : accessToken.trim();
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
        exchange.getIn().setBody(DataArrayRequests.of(events, PinterestEvent::map, MAX_EVENTS, MAX_BYTES, batch, "Pinterest",
                r -> r.withUrl(url()).withHeader("Authorization", "Bearer " + token())
                        .withReader(PinterestAnswer::read)));
    }

    /** The events URL, built once from the settings. */
    String url() {
        String u = url;
        if (u == null) {
            if (adAccountId == null || adAccountId.isEmpty()) {
                throw new IllegalStateException("pinterest needs pinterest.ad-account-id");
            }
            u = baseUrl + "/v5/ad_accounts/" + URLEncoder.encode(adAccountId, StandardCharsets.UTF_8) + "/events"
                    + (test ? "?test=true" : "");
            url = u;
        }
        return u;
    }

    private String token() {
        if (accessToken == null || accessToken.isEmpty()) {
            throw new IllegalStateException("pinterest needs pinterest.access-token");
        }
        return accessToken;
    }
}
