package io.drover.destinations.pinterest;

import io.drover.destinations.SegmentEvents;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
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
 * One Segment event as an element of the {@code data} array of Pinterest's Conversions API
 * (https://developers.pinterest.com/docs/api/v5/events-create, schema ConversionEvents): event name, time in
 * seconds, {@code action_source} web, {@code event_id}, the page URL, {@code user_data} (personal data normalised as
 * Pinterest documents, SHA-256, each in an array; IP address, user agent and the epik click id as they are) and
 * {@code custom_data} (value as a string, as Pinterest takes it).
 */
final class PinterestEvent {

    /** Segment ecommerce and lifecycle events to Pinterest's event names. */
    static final Map<String, String> TRACK_EVENTS = Map.ofEntries(
            Map.entry(SegmentEvents.ORDER_COMPLETED, "checkout"),
            Map.entry(SegmentEvents.CHECKOUT_STARTED, "initiate_checkout"),
            Map.entry(SegmentEvents.PRODUCT_ADDED, "add_to_cart"),
            Map.entry(SegmentEvents.PRODUCT_VIEWED, "page_visit"),
            Map.entry(SegmentEvents.PRODUCT_LIST_VIEWED, "view_category"),
            Map.entry(SegmentEvents.PRODUCTS_SEARCHED, "search"),
            Map.entry(SegmentEvents.PRODUCT_ADDED_TO_WISHLIST, "add_to_wishlist"),
            Map.entry(SegmentEvents.PAYMENT_INFO_ENTERED, "add_payment_info"),
            Map.entry(SegmentEvents.SIGNED_UP, "signup"));

    static final String PAGE_VISIT = "page_visit";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private PinterestEvent() {
    }

    /** Pinterest's name for the event, {@code null} when Pinterest has no event for it. */
    static String eventName(JsonNode event) {
        return SegmentEvents.standardName(event, PAGE_VISIT, TRACK_EVENTS);
    }

    /** The event for Pinterest, or why Pinterest cannot take it; not for Pinterest when Pinterest has no event for it. */
    static Mapped<ObjectNode> map(JsonNode event) {
        String name = eventName(event);
        if (name == null) {
            return Mapped.notForVendor();
        }
        long time = SegmentFields.epochSeconds(event);
        if (time < 0) {
            return missing("the event has no timestamp; Pinterest requires event_time");
        }
        String id = SegmentFields.text(event, "messageId");
        if (id == null) {
            return missing("the event has no messageId; Pinterest requires event_id");
        }
        ObjectNode userData = userData(event);
        if (!userData.has("em") && !(userData.has("client_ip_address") && userData.has("client_user_agent"))) {
            return missing("no email, or IP address with user agent; Pinterest requires one of them in"
                    + " user_data");
        }
        ObjectNode data = JSON.objectNode();
        data.put("event_name", name);
        data.put("action_source", "web");
        data.put("event_time", time);
        data.put("event_id", id);
        String url = SegmentFields.pageUrl(event);
        if (url != null) {
            data.put("event_source_url", url);
        }
        data.set("user_data", userData);
        ObjectNode custom = customData(event);
        if (!custom.isEmpty()) {
            data.set("custom_data", custom);
        }
        return Mapped.to(data);
    }

    private static Mapped<ObjectNode> missing(String reason) {
        return Mapped.refused("missing_field", reason);
    }

    /** Personal data hashed by Pinterest's rules ({@link MatchKeys}), then Pinterest's click ids as they are. */
    static ObjectNode userData(JsonNode event) {
        ObjectNode u = MatchKeys.userData(event, PinterestEvent::lowerCase, Hashing::digits);
        MatchKeys.putText(u, "click_id", SegmentFields.provider(event, "pinterest", "clickId"));
        return u;
    }

    static ObjectNode customData(JsonNode event) {
        JsonNode properties = event.path("properties");
        List<JsonNode> products = SegmentFields.products(event);
        ObjectNode c = JSON.objectNode();
        MatchKeys.putText(c, "currency", SegmentFields.currency(event));
        BigDecimal value = SegmentFields.value(event);
        if (value != null) {
            c.put("value", value.toPlainString());
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
                ObjectNode item = contents.addObject().put("id", productId);
                BigDecimal price = SegmentFields.decimal(p, "price");
                if (price != null) {
                    item.put("item_price", price.toPlainString());
                }
                item.put("quantity", SegmentFields.quantity(p));
                MatchKeys.putText(item, "item_name", SegmentFields.text(p, "name"));
                MatchKeys.putText(item, "item_category", SegmentFields.text(p, "category"));
                MatchKeys.putText(item, "item_brand", SegmentFields.text(p, "brand"));
            }
            c.put("num_items", SegmentFields.numItems(products));
        }
        MatchKeys.putText(c, "order_id", SegmentFields.text(properties, "order_id"));
        MatchKeys.putText(c, "search_string", SegmentFields.text(properties, "query"));
        return c;
    }

    /** Names: "in lowercase" is all Pinterest asks; trimmed too. */
    static String lowerCase(String raw) {
        return raw.trim().toLowerCase(Locale.ROOT);
    }
}
