package io.drover.destinations.braze;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.Batch;
import io.drover.destinations.api.VendorRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The Braze module's request bean: the selected events as {@code POST <base-url>/users/track} requests
 * (https://www.braze.com/docs/api/endpoints/user_data/post_user_track/), authorised with the REST API key as a
 * Bearer token. Identify becomes user attributes, track a custom event, Order Completed purchases
 * ({@link BrazeMapping}); a batch is cut into requests within Braze's object limits ({@link TrackRequest}), and each
 * answer is read for objects Braze refused ({@link TrackResponse}). An identify that names both ids then merges the
 * anonymous alias profile into the identified user ({@link IdentifyRequest}, {@code POST <base-url>/users/identify}).
 */
public class BrazeRequest implements Processor {

    private String url;
    private String identifyUrl;
    private String authorization;
    private BrazeMapping mapping = new BrazeMapping(null);
    private int maxObjects = TrackRequest.MAX_PER_ARRAY;

    /** The REST endpoint of the customer's Braze instance, e.g. https://rest.iad-01.braze.com. */
    public void setBaseUrl(String baseUrl) {
        String base = baseUrl.trim();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        this.url = base + "/users/track";
        this.identifyUrl = base + "/users/identify";
    }

    /** A REST API key with the users.track and users.identify permissions. */
    public void setApiKey(String apiKey) {
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException("the Braze REST API key (BRAZE_API_KEY) is empty");
        }
        this.authorization = "Bearer " + apiKey.trim();
    }

    private String appId;
    private String defaultCurrency;

    /** Optional app identifier sent with events and purchases; empty: none. */
    public void setAppId(String appId) {
        this.appId = appId;
        this.mapping = new BrazeMapping(appId, defaultCurrency);
    }

    /** The currency of an order that comes without one (a shop that sells in one currency); empty: none. */
    public void setDefaultCurrency(String defaultCurrency) {
        this.defaultCurrency = io.drover.destinations.Currencies.setting(defaultCurrency);
        this.mapping = new BrazeMapping(appId, this.defaultCurrency);
    }

    /**
     * Objects per request across attributes, events and purchases: 75 by default, which every Braze plan takes
     * (the older per-array limit of 75 each still applies on top); 50 for "Monthly Active Users CY 24-25" accounts.
     */
    public void setMaxObjects(int maxObjects) {
        if (maxObjects < 1 || maxObjects > 3 * TrackRequest.MAX_PER_ARRAY) {
            throw new IllegalArgumentException("braze.max-objects must be between 1 and 225, not " + maxObjects);
        }
        this.maxObjects = maxObjects;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) {
        if (url == null || authorization == null) {
            throw new IllegalStateException("the Braze module needs braze.base-url and braze.api-key");
        }
        List<ObjectNode> events = exchange.getIn().getBody(List.class);
        Batch batch = Batch.of(exchange);
        List<VendorRequest> requests = new ArrayList<>();
        TrackRequest current = new TrackRequest(maxObjects);
        for (ObjectNode event : events) {
            BrazeMapping.Objects objects = mapping.map(event).settle(batch, event);
            if (objects == null || objects.total() == 0) {
                continue; // not for Braze, or refused
            }
            if (!TrackRequest.fitsAlone(objects, maxObjects)) {
                batch.refuse(event, "too_large", "it makes " + objects.total() + " Braze objects, more than one request may carry ("
                        + maxObjects + " in all, " + TrackRequest.MAX_PER_ARRAY + " per array)");
                continue;
            }
            if (!current.fits(objects)) {
                requests.add(current.build(url, authorization));
                current = new TrackRequest(maxObjects);
            }
            current.add(event, objects);
        }
        if (!current.isEmpty()) {
            requests.add(current.build(url, authorization));
        }
        // Then the merges of the alias profiles into the users the identifies name, once the batch's events are in.
        List<ObjectNode> tracked = new ArrayList<>();
        requests.forEach(r -> tracked.addAll(r.events()));
        requests.addAll(IdentifyRequest.of(tracked, identifyUrl, authorization));
        exchange.getIn().setBody(requests);
    }
}
