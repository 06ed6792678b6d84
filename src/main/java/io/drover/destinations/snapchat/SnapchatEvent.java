package io.drover.destinations.snapchat;

import io.drover.destinations.SegmentEvents;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.Hashing;
import io.drover.destinations.MatchKeys;
import io.drover.destinations.SegmentFields;
import io.drover.destinations.api.Mapped;

/**
 * One Segment event as an element of the {@code data} array of Snap's Conversions API v3
 * (https://developers.snap.com/api/marketing-api/Conversions-API/Parameters and .../UsingTheAPI): standard event
 * name, time in seconds, {@code action_source} WEB, the page URL, {@code user_data} (personal data normalised as Snap
 * documents, then SHA-256; IP address, user agent, click id and cookie as they are) and {@code custom_data}.
 */
final class SnapchatEvent {

    /** Segment ecommerce and lifecycle events to Snap's standard events, as v3 spells them. */
    static final Map<String, String> TRACK_EVENTS = Map.ofEntries(
            Map.entry(SegmentEvents.ORDER_COMPLETED, "PURCHASE"),
            Map.entry(SegmentEvents.CHECKOUT_STARTED, "START_CHECKOUT"),
            Map.entry(SegmentEvents.PRODUCT_ADDED, "ADD_CART"),
            Map.entry(SegmentEvents.PRODUCT_VIEWED, "VIEW_CONTENT"),
            Map.entry(SegmentEvents.PRODUCT_LIST_VIEWED, "LIST_VIEW"),
            Map.entry(SegmentEvents.PRODUCTS_SEARCHED, "SEARCH"),
            Map.entry(SegmentEvents.PRODUCT_ADDED_TO_WISHLIST, "ADD_TO_WISHLIST"),
            Map.entry(SegmentEvents.PAYMENT_INFO_ENTERED, "ADD_BILLING"),
            Map.entry(SegmentEvents.PRODUCT_SHARED, "SHARE"),
            Map.entry(SegmentEvents.SIGNED_UP, "SIGN_UP"),
            Map.entry(SegmentEvents.SIGNED_IN, "LOGIN"),
            Map.entry(SegmentEvents.TRIAL_STARTED, "START_TRIAL"));

    static final String PAGE_VIEW = "PAGE_VIEW";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private SnapchatEvent() {
    }

    /** Snap's name for the event, {@code null} when the event is not one Snap has a standard event for. */
    static String eventName(JsonNode event) {
        return SegmentEvents.standardName(event, PAGE_VIEW, TRACK_EVENTS);
    }

    /** The event for Snap, or why Snap cannot take it; not for Snap when Snap has no event for it. */
    static Mapped<ObjectNode> map(JsonNode event) {
        String name = eventName(event);
        if (name == null) {
            return Mapped.notForVendor();
        }
        long time = SegmentFields.epochSeconds(event);
        if (time < 0) {
            return missing("the event has no timestamp; Snapchat requires event_time");
        }
        String url = SegmentFields.pageUrl(event);
        if (url == null) {
            return missing("no page URL (context.page.url); Snapchat requires event_source_url for WEB events");
        }
        ObjectNode userData = userData(event);
        if (!userData.has("em") && !userData.has("ph")
                && !(userData.has("client_ip_address") && userData.has("client_user_agent"))) {
            return missing("no email, phone, or IP address with user agent; Snapchat needs one to match the"
                    + " event");
        }
        ObjectNode data = JSON.objectNode();
        data.put("event_name", name);
        data.put("event_time", time);
        String id = SegmentFields.text(event, "messageId");
        if (id != null) {
            data.put("event_id", id);
        }
        data.put("action_source", "WEB");
        data.put("event_source_url", url);
        data.set("user_data", userData);
        ObjectNode custom = customData(event);
        if (name.equals("PURCHASE") && (!custom.has("value") || !custom.has("currency"))) {
            return missing("a purchase without value (revenue, total or value) or currency; Snapchat refuses"
                    + " PURCHASE events without price and currency");
        }
        if (!custom.isEmpty()) {
            data.set("custom_data", custom);
        }
        return Mapped.to(data);
    }

    private static Mapped<ObjectNode> missing(String reason) {
        return Mapped.refused("missing_field", reason);
    }

    /** Personal data hashed by Snap's rules ({@link MatchKeys}), then Snap's click ids as they are. */
    static ObjectNode userData(JsonNode event) {
        ObjectNode u = MatchKeys.userData(event, Hashing::lettersOnly, Hashing::compact);
        MatchKeys.putText(u, "sc_click_id", SegmentFields.provider(event, "snapchat", "clickId"));
        MatchKeys.putText(u, "sc_cookie1", SegmentFields.provider(event, "snapchat", "scid"));
        return u;
    }

    static ObjectNode customData(JsonNode event) {
        JsonNode properties = event.path("properties");
        List<JsonNode> products = SegmentFields.products(event);
        ObjectNode c = JSON.objectNode();
        MatchKeys.putText(c, "currency", SegmentFields.currency(event));
        BigDecimal value = SegmentFields.value(event);
        if (value != null) {
            c.put("value", value);
        }
        if (!products.isEmpty()) {
            ArrayNode ids = c.putArray("content_ids");
            ArrayNode contents = c.putArray("contents");
            for (JsonNode p : products) {
                String productId = SegmentFields.productId(p);
                if (productId == null) {
                    continue;
                }
                ids.add(productId);
                // Snap's contents carry quantity and item_price as strings.
                ObjectNode item = contents.addObject().put("id", productId)
                        .put("quantity", String.valueOf(SegmentFields.quantity(p)));
                BigDecimal price = SegmentFields.decimal(p, "price");
                if (price != null) {
                    item.put("item_price", price.toPlainString());
                }
                MatchKeys.putText(item, "brand", SegmentFields.text(p, "brand"));
            }
            c.put("num_items", SegmentFields.numItems(products));
            if (products.size() == 1) {
                // Snap's custom_data.content_category is one text (Snap's Business SDK v3 schema): one product's.
                MatchKeys.putText(c, "content_category", SegmentFields.text(products.get(0), "category"));
            }
        }
        MatchKeys.putText(c, "order_id", SegmentFields.text(properties, "order_id"));
        MatchKeys.putText(c, "search_string", SegmentFields.text(properties, "query"));
        return c;
    }
}
