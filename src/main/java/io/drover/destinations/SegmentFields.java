package io.drover.destinations;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * Reads what the ad platforms' conversion APIs need from a Segment-spec event (https://segment.com/docs/connections/spec/
 * and its ecommerce v2 spec), the same way for every vendor: the user's traits, the page URL, the products, the
 * value and currency, the event time. Vendors differ in how they name, normalise and hash these, not in where they
 * come from.
 */
public final class SegmentFields {

    private SegmentFields() {
    }

    /** Non-blank text of a field, else {@code null} (numbers are read as their text). */
    public static String text(JsonNode node, String field) {
        JsonNode n = node.get(field);
        if (n == null || n.isNull() || n.isContainerNode()) {
            return null;
        }
        String s = n.asText();
        return s.isBlank() ? null : s;
    }

    /** The user's traits: an identify's {@code traits}, any other type's {@code context.traits}. */
    public static JsonNode traits(JsonNode event) {
        JsonNode traits = event.get("traits");
        if (traits != null && traits.isObject()) {
            return traits;
        }
        JsonNode context = event.path("context").get("traits");
        return context != null && context.isObject() ? context : MissingNode.getInstance();
    }

    /** The address in the traits ({@code address.city}, ...), missing when there is none. */
    public static JsonNode address(JsonNode traits) {
        return traits.path("address");
    }

    /** A first-party vendor id from {@code context.providers.<vendor>.<key>} (docs/integrations.md). */
    public static String provider(JsonNode event, String vendor, String key) {
        return text(event.path("context").path("providers").path(vendor), key);
    }

    /** The page the event happened on: {@code context.page.url}, or a page call's {@code properties.url}. */
    public static String pageUrl(JsonNode event) {
        String url = text(event.path("context").path("page"), "url");
        return url != null ? url : text(event.path("properties"), "url");
    }

    /** The event's time in Unix seconds ({@link EventTimes}); -1 when it has none that parses. */
    public static long epochSeconds(JsonNode event) {
        return EventTimes.epochSeconds(event);
    }

    /**
     * The products an ecommerce event is about: {@code properties.products}, or the event's own properties when it
     * describes one product (Product Viewed, Product Added: {@code product_id} or {@code sku} at the top).
     */
    public static List<JsonNode> products(JsonNode event) {
        JsonNode properties = event.path("properties");
        JsonNode products = properties.get("products");
        List<JsonNode> list = new ArrayList<>();
        if (products != null && products.isArray()) {
            products.forEach(p -> {
                if (p.isObject()) {
                    list.add(p);
                }
            });
        } else if (productId(properties) != null) {
            list.add(properties);
        }
        return list;
    }

    /** A product's id: {@code product_id}, else {@code sku}. */
    public static String productId(JsonNode product) {
        String id = text(product, "product_id");
        return id != null ? id : text(product, "sku");
    }

    /** A product's quantity, 1 when not given. */
    public static int quantity(JsonNode product) {
        JsonNode q = product.get("quantity");
        return q != null && q.canConvertToInt() && q.asInt() > 0 ? q.asInt() : 1;
    }

    /** The total quantity of the products, {@code null} when there are none. */
    public static Integer numItems(List<JsonNode> products) {
        if (products.isEmpty()) {
            return null;
        }
        int n = 0;
        for (JsonNode p : products) {
            n += quantity(p);
        }
        return n;
    }

    /** A number field as an exact decimal, {@code null} when absent or not a number. */
    public static BigDecimal decimal(JsonNode node, String field) {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isNumber()) {
            return n.decimalValue();
        }
        try {
            return n.isTextual() && !n.asText().isBlank() ? new BigDecimal(n.asText().trim()) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A number as it is, a numeric string as a number, anything else {@code null} (a JSON value for the vendor). */
    public static JsonNode number(JsonNode v) {
        if (v == null) {
            return null;
        }
        if (v.isNumber()) {
            return v;
        }
        if (v.isTextual()) {
            try {
                return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.numberNode(new BigDecimal(v.asText().trim()));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * The event's monetary value as the ad platforms count it (pre-tax, pre-shipping where the event says so):
     * {@code revenue}, else {@code total}, else {@code value}, else price times quantity of a one-product event.
     */
    public static BigDecimal value(JsonNode event) {
        JsonNode properties = event.path("properties");
        for (String field : new String[] {"revenue", "total", "value"}) {
            BigDecimal v = decimal(properties, field);
            if (v != null) {
                return v;
            }
        }
        BigDecimal price = decimal(properties, "price");
        return price == null ? null : price.multiply(BigDecimal.valueOf(quantity(properties)));
    }

    /** The ISO 4217 currency, upper-cased; {@code null} when not given. */
    public static String currency(JsonNode event) {
        String c = text(event.path("properties"), "currency");
        return c == null ? null : c.trim().toUpperCase(Locale.ROOT);
    }
}
