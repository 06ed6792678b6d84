package io.drover.destinations.ga4;

import io.drover.destinations.SegmentEvents;

import java.time.Instant;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.Mapped;
import io.drover.support.IsoTime;

/**
 * One Segment event as one GA4 Measurement Protocol event ({@code {"name", "timestamp_micros", "params"}}): page →
 * {@code page_view}; the Segment ecommerce spec events → GA4's recommended events with {@code items}; any other track
 * event → its name in snake_case with its scalar properties as parameters. Parameter values are cut to GA4's lengths
 * and an event keeps at most 25 parameters, the session and mapped ones first.
 */
final class Ga4Events {

    static final int MAX_PARAMS = 25;
    static final int VALUE_MAX = 100;

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** Segment ecommerce v2 (and a few common spec events) → GA4 recommended event names. */
    private static final Map<String, String> RECOMMENDED = Map.ofEntries(
            Map.entry(SegmentEvents.PRODUCTS_SEARCHED, "search"),
            Map.entry(SegmentEvents.PRODUCT_LIST_VIEWED, "view_item_list"),
            Map.entry(SegmentEvents.PRODUCT_CLICKED, "select_item"),
            Map.entry(SegmentEvents.PRODUCT_VIEWED, "view_item"),
            Map.entry(SegmentEvents.PRODUCT_ADDED, "add_to_cart"),
            Map.entry(SegmentEvents.PRODUCT_REMOVED, "remove_from_cart"),
            Map.entry(SegmentEvents.CART_VIEWED, "view_cart"),
            Map.entry(SegmentEvents.CHECKOUT_STARTED, "begin_checkout"),
            Map.entry("Shipping Info Entered", "add_shipping_info"),
            Map.entry(SegmentEvents.PAYMENT_INFO_ENTERED, "add_payment_info"),
            Map.entry(SegmentEvents.ORDER_COMPLETED, "purchase"),
            Map.entry(SegmentEvents.ORDER_REFUNDED, "refund"),
            Map.entry(SegmentEvents.PRODUCT_ADDED_TO_WISHLIST, "add_to_wishlist"),
            Map.entry(SegmentEvents.PRODUCT_SHARED, "share"),
            Map.entry(SegmentEvents.PROMOTION_VIEWED, "view_promotion"),
            Map.entry(SegmentEvents.PROMOTION_CLICKED, "select_promotion"),
            Map.entry(SegmentEvents.SIGNED_UP, "sign_up"),
            Map.entry(SegmentEvents.SIGNED_IN, "login"));

    private Ga4Events() {
    }

    /** The GA4 event of a page or track event; not for GA4 for other types (GA4 has no identify, group, alias). */
    static Mapped<ObjectNode> toGa4(ObjectNode event, String sessionId) {
        return toGa4(event, sessionId, null, reason -> { });
    }

    /**
     * The GA4 event; a value (with tax and shipping) that comes without its currency takes {@code defaultCurrency},
     * and without that is left out ("If you set value then currency is required for revenue metrics"), and
     * {@code omitted} is told.
     */
    static Mapped<ObjectNode> toGa4(ObjectNode event, String sessionId, String defaultCurrency,
                            java.util.function.Consumer<String> omitted) {
        Money money = new Money(defaultCurrency, omitted);
        String type = event.path("type").asText();
        JsonNode properties = event.path("properties");
        ObjectNode out = JSON.objectNode();
        ObjectNode params = JSON.objectNode();
        if ("page".equals(type)) {
            out.put("name", "page_view");
            common(params, properties, sessionId);
            JsonNode page = event.path("context").path("page");
            put(params, "page_location", first(properties, page, "url"), 1000);
            put(params, "page_referrer", first(properties, page, "referrer"), 420);
            put(params, "page_title", first(properties, page, "title"), 300);
        } else if ("track".equals(type)) {
            String segmentName = event.path("event").asText("");
            String recommended = RECOMMENDED.get(segmentName);
            if (recommended != null) {
                out.put("name", recommended);
                common(params, properties, sessionId);
                recommended(recommended, properties, params, money);
            } else {
                String name = Ga4Names.snakeCase(segmentName, Ga4Names.NAME_MAX);
                String problem = Ga4Names.eventNameProblem(name);
                if (problem != null) {
                    return Mapped.refused("invalid_name", problem + " (from the Segment event '" + segmentName + "')");
                }
                out.put("name", name);
                common(params, properties, sessionId);
                custom(properties, params);
            }
        } else {
            return Mapped.notForVendor();
        }
        long micros = micros(event.path("timestamp").asText(null));
        if (micros > 0) {
            out.put("timestamp_micros", micros);
        }
        out.set("params", params);
        return Mapped.to(out);
    }

    /**
     * {@code session_id} from the GA4 session cookie when the tag saw one, and {@code engagement_time_msec}: both are
     * needed for the event to count in Realtime and engagement reports. Drover does not know the engagement time, so
     * it sends the event's own {@code engagement_time_msec} property when there is one, else 1 ms (present, without
     * inventing engagement).
     */
    private static void common(ObjectNode params, JsonNode properties, String sessionId) {
        if (sessionId != null) {
            params.put("session_id", sessionId);
        }
        JsonNode engagement = properties.path("engagement_time_msec");
        params.put("engagement_time_msec", engagement.isNumber() && engagement.asLong() > 0 ? engagement.asLong() : 1);
    }

    /** The module's default currency and where to count a value left out for want of one. */
    private record Money(String defaultCurrency, java.util.function.Consumer<String> omitted) {

        /** currency and the amounts, or, without a currency, none of the amounts (counted once). */
        void put(ObjectNode params, JsonNode p, String[] names, JsonNode... amounts) {
            String currency = text(p, "currency");
            if (currency == null) {
                currency = defaultCurrency;
            }
            boolean any = false;
            for (JsonNode a : amounts) {
                any |= a != null && a.isNumber();
            }
            if (currency == null) {
                if (any) {
                    omitted.accept("no_currency");
                }
                return;
            }
            Ga4Events.put(params, "currency", currency.toUpperCase(java.util.Locale.ROOT), VALUE_MAX);
            for (int i = 0; i < amounts.length; i++) {
                putNumber(params, names[i], amounts[i]);
            }
        }
    }

    private static final String[] VALUE = {"value"};
    private static final String[] VALUE_TAX_SHIPPING = {"value", "tax", "shipping"};

    private static void recommended(String name, JsonNode p, ObjectNode params, Money money) {
        switch (name) {
            case "search" -> put(params, "search_term", text(p, "query"), VALUE_MAX);
            case "view_item_list", "select_item" -> {
                put(params, "item_list_id", text(p, "list_id"), VALUE_MAX);
                put(params, "item_list_name", text(p, "category"), VALUE_MAX);
                items(params, p);
            }
            case "view_item", "add_to_cart", "remove_from_cart", "add_to_wishlist" -> {
                money.put(params, p, VALUE, productValue(p));
                items(params, p);
            }
            case "view_cart", "begin_checkout", "add_shipping_info", "add_payment_info" -> {
                money.put(params, p, VALUE, orderValue(p));
                put(params, "coupon", text(p, "coupon"), VALUE_MAX);
                if (name.equals("add_shipping_info")) {
                    put(params, "shipping_tier", text(p, "shipping_method"), VALUE_MAX);
                } else if (name.equals("add_payment_info")) {
                    put(params, "payment_type", text(p, "payment_method"), VALUE_MAX);
                }
                items(params, p);
            }
            case "purchase", "refund" -> {
                put(params, "transaction_id", text(p, "order_id"), VALUE_MAX);
                put(params, "affiliation", text(p, "affiliation"), VALUE_MAX);
                money.put(params, p, VALUE_TAX_SHIPPING, orderValue(p), p.path("tax"), p.path("shipping"));
                put(params, "coupon", text(p, "coupon"), VALUE_MAX);
                items(params, p);
            }
            case "share" -> {
                put(params, "method", text(p, "share_via"), VALUE_MAX);
                put(params, "content_type", "product", VALUE_MAX);
                put(params, "item_id", productId(p), VALUE_MAX);
            }
            case "view_promotion", "select_promotion" -> {
                put(params, "promotion_id", text(p, "promotion_id"), VALUE_MAX);
                put(params, "promotion_name", text(p, "name"), VALUE_MAX);
                put(params, "creative_name", text(p, "creative"), VALUE_MAX);
                put(params, "creative_slot", text(p, "position"), VALUE_MAX);
            }
            case "sign_up", "login" -> put(params, "method", text(p, "method"), VALUE_MAX);
            default -> throw new IllegalStateException("no mapping for " + name);
        }
    }

    /** A custom event's scalar properties as parameters (names made valid, booleans as "true"/"false"). */
    private static void custom(JsonNode properties, ObjectNode params) {
        Iterator<Map.Entry<String, JsonNode>> fields = properties.fields();
        while (fields.hasNext() && params.size() < MAX_PARAMS) {
            Map.Entry<String, JsonNode> f = fields.next();
            String name = Ga4Names.paramName(f.getKey());
            JsonNode v = f.getValue();
            if (name == null || params.has(name)) {
                continue;
            }
            if (v.isNumber()) {
                params.set(name, v);
            } else if (v.isTextual()) {
                put(params, name, v.asText(), VALUE_MAX);
            } else if (v.isBoolean()) {
                params.put(name, v.asBoolean() ? "true" : "false");
            }
            // arrays and objects: GA4 parameters are scalars
        }
    }

    /** {@code items} from {@code products}, or the event's own product fields (Product Viewed, Added, ...). */
    private static void items(ObjectNode params, JsonNode p) {
        ArrayNode items = JSON.arrayNode();
        JsonNode products = p.path("products");
        if (products.isArray()) {
            for (JsonNode product : products) {
                ObjectNode item = item(product);
                if (item != null) {
                    items.add(item);
                }
            }
        } else {
            ObjectNode item = item(p);
            if (item != null) {
                items.add(item);
            }
        }
        if (!items.isEmpty() && params.size() < MAX_PARAMS) {
            params.set("items", items);
        }
    }

    /** A Segment product as a GA4 item; {@code null} without item_id or item_name (GA4 needs one of them). */
    private static ObjectNode item(JsonNode product) {
        String id = productId(product);
        String name = text(product, "name");
        if (id == null && name == null) {
            return null;
        }
        ObjectNode item = JSON.objectNode();
        put(item, "item_id", id, VALUE_MAX);
        put(item, "item_name", name, VALUE_MAX);
        put(item, "coupon", text(product, "coupon"), VALUE_MAX);
        putNumber(item, "index", product.path("position"));
        put(item, "item_brand", text(product, "brand"), VALUE_MAX);
        put(item, "item_category", text(product, "category"), VALUE_MAX);
        put(item, "item_variant", text(product, "variant"), VALUE_MAX);
        putNumber(item, "price", product.path("price"));
        putNumber(item, "quantity", product.path("quantity"));
        return item;
    }

    private static String productId(JsonNode p) {
        String id = text(p, "product_id");
        return id != null ? id : text(p, "sku");
    }

    /** A product event's value: its {@code value}, else price × quantity (quantity 1 when absent). */
    private static JsonNode productValue(JsonNode p) {
        if (p.path("value").isNumber()) {
            return p.path("value");
        }
        JsonNode price = p.path("price");
        if (!price.isNumber()) {
            return null;
        }
        double quantity = p.path("quantity").isNumber() ? p.path("quantity").asDouble() : 1;
        return JSON.numberNode(Math.round(price.asDouble() * quantity * 100) / 100.0);
    }

    /**
     * An order's value. GA4 wants the items' value without shipping and tax: Segment's {@code revenue} is exactly
     * that; else {@code value}, else {@code total}.
     */
    private static JsonNode orderValue(JsonNode p) {
        for (String field : new String[] {"revenue", "value", "total"}) {
            if (p.path(field).isNumber()) {
                return p.path(field);
            }
        }
        return null;
    }

    private static String first(JsonNode properties, JsonNode page, String field) {
        String v = text(properties, field);
        return v != null ? v : text(page, field);
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (v.isTextual()) {
            return v.asText().isEmpty() ? null : v.asText();
        }
        return v.isNumber() ? v.asText() : null;
    }

    private static void put(ObjectNode params, String name, String value, int maxLength) {
        if (value != null && params.size() < MAX_PARAMS) {
            params.put(name, cut(value, maxLength));
        }
    }

    private static void putNumber(ObjectNode params, String name, JsonNode value) {
        if (value != null && value.isNumber() && params.size() < MAX_PARAMS) {
            params.set(name, value);
        }
    }

    /** At most {@code max} characters, never splitting a surrogate pair. */
    static String cut(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, end);
    }

    /** The event's time in µs since the epoch; 0 when absent or unreadable (GA4 then uses the request's time). */
    static long micros(String timestamp) {
        Instant t = timestamp == null ? null : IsoTime.parse(timestamp);
        return t == null ? 0 : t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }
}
