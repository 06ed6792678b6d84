package io.drover.destinations.braze;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.VendorRequest;

/**
 * One {@code /users/track} request being filled: the three arrays, which event each object came from, and the
 * limits. An event's objects always travel together, so that Braze's answer about any of them is an answer about
 * that event. (Not {@code Chunks}: one event may become objects of several arrays, each array with its own cap.)
 */
final class TrackRequest {

    /** Braze: up to 75 attribute, 75 event and 75 purchase objects per request. */
    static final int MAX_PER_ARRAY = 75;

    private final int maxObjects;
    private final List<ObjectNode> attributes = new ArrayList<>();
    private final List<ObjectNode> events = new ArrayList<>();
    private final List<ObjectNode> purchases = new ArrayList<>();
    private final List<ObjectNode> attributeOwners = new ArrayList<>();
    private final List<ObjectNode> eventOwners = new ArrayList<>();
    private final List<ObjectNode> purchaseOwners = new ArrayList<>();
    private final List<ObjectNode> carried = new ArrayList<>();

    /** @param maxObjects objects per request across the three arrays (the account's limit: 75 or 50 on newer plans) */
    TrackRequest(int maxObjects) {
        this.maxObjects = maxObjects;
    }

    /** Whether one event's objects could travel at all, in a request of their own. */
    static boolean fitsAlone(BrazeMapping.Objects o, int maxObjects) {
        return o.attributes().size() <= MAX_PER_ARRAY && o.events().size() <= MAX_PER_ARRAY
                && o.purchases().size() <= MAX_PER_ARRAY && o.total() <= maxObjects;
    }

    boolean fits(BrazeMapping.Objects o) {
        return attributes.size() + o.attributes().size() <= MAX_PER_ARRAY
                && events.size() + o.events().size() <= MAX_PER_ARRAY
                && purchases.size() + o.purchases().size() <= MAX_PER_ARRAY
                && attributes.size() + events.size() + purchases.size() + o.total() <= maxObjects;
    }

    void add(ObjectNode event, BrazeMapping.Objects o) {
        add(attributes, attributeOwners, o.attributes(), event);
        add(events, eventOwners, o.events(), event);
        add(purchases, purchaseOwners, o.purchases(), event);
        carried.add(event);
    }

    boolean isEmpty() {
        return carried.isEmpty();
    }

    /** The request: {"attributes":[...],"events":[...],"purchases":[...]} with the arrays that have objects. */
    VendorRequest build(String url, String authorization) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (!attributes.isEmpty()) {
            body.putArray("attributes").addAll(attributes);
        }
        if (!events.isEmpty()) {
            body.putArray("events").addAll(events);
        }
        if (!purchases.isEmpty()) {
            body.putArray("purchases").addAll(purchases);
        }
        return new VendorRequest("POST", url, headers(authorization), body.toString(), carried,
                new TrackResponse(attributeOwners, eventOwners, purchaseOwners));
    }

    /** The headers of every Braze REST call: JSON, and the REST API key as a Bearer token. */
    static Map<String, String> headers(String authorization) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Authorization", authorization);
        return headers;
    }

    private static void add(List<ObjectNode> array, List<ObjectNode> owners, List<ObjectNode> objects, ObjectNode event) {
        for (ObjectNode o : objects) {
            array.add(o);
            owners.add(event);
        }
    }
}
