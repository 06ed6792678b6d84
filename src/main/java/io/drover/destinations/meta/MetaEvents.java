package io.drover.destinations.meta;

import io.drover.destinations.SegmentEvents;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.Currencies;
import io.drover.destinations.EventTimes;
import io.drover.destinations.SegmentFields;
import io.drover.destinations.api.Mapped;

/**
 * One Segment event as one Meta server event: Segment's ecommerce spec events become Meta's standard events, a page
 * becomes {@code PageView}, any other track a custom event of the same name. {@code event_id} is the messageId, so
 * Meta deduplicates it against the pixel's event that carries the same id.
 */
final class MetaEvents {

    /** Segment ecommerce v2 event → Meta standard event. */
    static final Map<String, String> STANDARD_EVENTS = Map.of(
            SegmentEvents.ORDER_COMPLETED, "Purchase",
            SegmentEvents.PRODUCT_ADDED, "AddToCart",
            SegmentEvents.PRODUCT_VIEWED, "ViewContent",
            SegmentEvents.CHECKOUT_STARTED, "InitiateCheckout",
            SegmentEvents.PRODUCTS_SEARCHED, "Search",
            SegmentEvents.SIGNED_UP, "CompleteRegistration",
            SegmentEvents.PAYMENT_INFO_ENTERED, "AddPaymentInfo",
            SegmentEvents.PRODUCT_ADDED_TO_WISHLIST, "AddToWishlist");

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private MetaEvents() {
    }

    /** How the module maps: its {@code action_source} setting and the shop's one currency (null: none). */
    record Options(String actionSource, String defaultCurrency) {
        /** {@code meta.action-source=auto}: website for an event with a page URL, else other. */
        static final String AUTO = "auto";
    }

    /**
     * {@code action_source} of an event: the setting, or with {@code auto} (the default) {@code website} when the
     * event carries the page it happened on (a page's {@code properties.url}, else {@code context.page.url}), else
     * {@code other}: a backend event Drover cannot place ("Conversion happened in a way that is not listed"). Meta
     * asks that "the action_source parameter is accurate to the best of your knowledge"; a backend that knows where
     * its conversions happen sets {@code meta.action-source} (physical_store, system_generated, ...).
     */
    static String actionSource(String setting, String pageUrl) {
        if (!Options.AUTO.equals(setting)) {
            return setting;
        }
        return pageUrl != null ? "website" : "other";
    }

    /** The Meta event; not for Meta when the event is not one Meta takes (identify, group, ...). */
    static Mapped<ObjectNode> map(ObjectNode event, String actionSource) {
        return map(event, new Options(actionSource, null), reason -> { });
    }

    /**
     * The Meta event, or why Meta cannot take it (every rule here is a field Meta requires); {@code omitted} is told of
     * each value left out rather than invented (a value without a currency).
     */
    static Mapped<ObjectNode> map(ObjectNode event, Options options, java.util.function.Consumer<String> omitted) {
        Mapped<String> named = SegmentEvents.name(event, "PageView", STANDARD_EVENTS);
        if (!(named instanceof Mapped.To<String> to)) {
            return named.passOn();
        }
        String name = to.value();
        long eventTime = EventTimes.epochSeconds(event);
        if (eventTime < 0) {
            return missing("no timestamp");
        }
        String type = event.path("type").asText();
        ObjectNode out = JSON.objectNode();
        out.put("event_name", name);
        out.put("event_time", eventTime);
        String messageId = SegmentFields.text(event, "messageId");
        if (messageId != null) {
            out.put("event_id", messageId);
        }
        JsonNode properties = event.path("properties");
        String url = "page".equals(type) ? SegmentFields.text(properties, "url") : null;
        if (url == null) {
            url = SegmentFields.text(event.path("context").path("page"), "url");
        }
        String actionSource = actionSource(options.actionSource(), url);
        out.put("action_source", actionSource);
        if (url != null) {
            out.put("event_source_url", url);
        } else if ("website".equals(actionSource)) {
            return missing("a website event needs the page it happened on for event_source_url (context.page.url)");
        }
        ObjectNode userData = out.putObject("user_data");
        if (!MetaUserData.fill(userData, event)) {
            return missing("no customer information Meta can match on (no traits, ids, IP or user agent)");
        }
        if ("website".equals(actionSource) && !userData.has("client_user_agent")) {
            return missing("a website event needs the browser's user agent (context.userAgent)");
        }
        ObjectNode customData = customData(name, track(event), properties, options.defaultCurrency(), omitted);
        if (customData == null) {
            // "value: Required for purchase events", "currency: Required for purchase events".
            return missing("a Purchase needs its value and currency (properties.revenue, total or value, and"
                    + " properties.currency, or the module's meta.default-currency)");
        }
        if (!customData.isEmpty()) {
            out.set("custom_data", customData);
        }
        return Mapped.to(out);
    }

    private static Mapped<ObjectNode> missing(String reason) {
        return Mapped.refused("missing_field", reason);
    }

    private static String track(ObjectNode event) {
        return "track".equals(event.path("type").asText()) ? event.path("event").asText() : null;
    }

    /** The custom data; {@code null} for a Purchase without its value and currency. */
    private static ObjectNode customData(String metaName, String track, JsonNode properties, String defaultCurrency,
                                         java.util.function.Consumer<String> omitted) {
        ObjectNode data = JSON.objectNode();
        if (!properties.isObject() || properties.isEmpty()) {
            return data;
        }
        boolean standard = track != null && STANDARD_EVENTS.containsKey(track);
        if (!standard) {
            if (track != null) {
                // A custom event: its properties are its custom data, as Segment sends them.
                data.setAll((ObjectNode) properties);
            }
            return data;
        }
        switch (metaName) {
            case "Purchase", "InitiateCheckout" -> {
                if (!Currencies.putValue(data, properties, defaultCurrency, omitted, "revenue", "total", "value")
                        && "Purchase".equals(metaName)) {
                    return null;
                }
                // Meta's custom data parameters: num_items "Use only with InitiateCheckout events" (the kit
                // comparison of issue 16 found Drover sending it with Purchase too).
                products(data, properties.path("products"), "InitiateCheckout".equals(metaName));
                if ("Purchase".equals(metaName)) {
                    text(data, "order_id", properties, "order_id");
                }
            }
            case "AddToCart", "ViewContent", "AddToWishlist" -> {
                // The value of the event: two items at 10 are 20, as contents says (quantity 2, item_price 10), not
                // the price (found by the kit comparison of issue 16, as in Drover's TikTok module).
                ObjectNode valued = ((ObjectNode) properties).deepCopy();
                java.math.BigDecimal price = SegmentFields.decimal(properties, "price");
                if (!valued.hasNonNull("value") && price != null) {
                    valued.put("value", price.multiply(java.math.BigDecimal.valueOf(SegmentFields.quantity(properties))));
                }
                Currencies.putValue(data, valued, defaultCurrency, omitted, "value");
                ArrayNode one = JSON.arrayNode().add(properties);
                products(data, one, false);
                text(data, "content_name", properties, "name");
                text(data, "content_category", properties, "category");
            }
            case "Search" -> text(data, "search_string", properties, "query");
            default -> Currencies.putValue(data, properties, defaultCurrency, omitted, "value", "revenue");
        }
        return data;
    }

    /** contents [{id, quantity, item_price}], content_ids and content_type from Segment's products. */
    private static void products(ObjectNode data, JsonNode products, boolean countItems) {
        if (!products.isArray() || products.isEmpty()) {
            return;
        }
        ArrayNode contents = JSON.arrayNode();
        ArrayNode ids = JSON.arrayNode();
        long items = 0;
        for (JsonNode p : products) {
            String id = SegmentFields.text(p, "product_id");
            if (id == null) {
                id = SegmentFields.text(p, "sku");
            }
            if (id == null) {
                continue;
            }
            ObjectNode c = contents.addObject().put("id", id);
            JsonNode quantity = SegmentFields.number(p.get("quantity"));
            c.set("quantity", quantity == null ? JSON.numberNode(1) : JSON.numberNode(quantity.asLong()));
            JsonNode price = SegmentFields.number(p.get("price"));
            if (price != null) {
                c.set("item_price", price);
            }
            items += quantity == null ? 1 : quantity.asLong();
            ids.add(id);
        }
        if (ids.isEmpty()) {
            return;
        }
        data.set("contents", contents);
        data.set("content_ids", ids);
        data.put("content_type", "product");
        if (countItems) {
            data.put("num_items", items);
        }
    }

    private static void text(ObjectNode data, String field, JsonNode properties, String property) {
        String v = SegmentFields.text(properties, property);
        if (v != null) {
            data.put(field, v);
        }
    }
}
