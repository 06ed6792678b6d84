package io.drover.destinations.braze;

import io.drover.destinations.SegmentEvents;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.Mapped;

/**
 * Turns one Segment event into Braze {@code /users/track} objects
 * (https://www.braze.com/docs/api/endpoints/user_data/post_user_track/): an identify into one user attributes object,
 * a track into one event object, an Order Completed with products into one purchase object per product (as Segment's
 * Braze destination does). Other types are not for Braze. Every object names its user by {@code external_id}
 * (userId) or, for an anonymous user, by the alias {@code {alias_name: anonymousId, alias_label: "anonymous_id"}}
 * with {@code _update_existing_only: false}, which Braze needs to create an alias-only profile.
 */
final class BrazeMapping {

    static final String ALIAS_LABEL = "anonymous_id";
    static final String ORDER_COMPLETED = SegmentEvents.ORDER_COMPLETED;

    /** Keys Braze reserves in event and purchase properties: sending them fails the request. */
    private static final Set<String> RESERVED_PROPERTIES = Set.of("time", "event_name");
    /** Keys a trait must not set on the attributes object: they would change whose profile is written. */
    private static final Set<String> IDENTITY_KEYS = Set.of("external_id", "user_alias", "braze_id",
            "_update_existing_only", "push_token_import");
    /** Traits mapped to Braze profile fields (or used up by them), hence not copied as custom attributes. */
    private static final Set<String> PROFILE_TRAITS = Set.of("email", "phone", "firstName", "first_name", "lastName",
            "last_name", "gender", "birthday", "avatar", "address");
    private static final Map<String, String> GENDERS = Map.ofEntries(
            Map.entry("m", "M"), Map.entry("male", "M"), Map.entry("man", "M"),
            Map.entry("f", "F"), Map.entry("female", "F"), Map.entry("woman", "F"), Map.entry("w", "F"),
            Map.entry("o", "O"), Map.entry("other", "O"), Map.entry("non-binary", "O"), Map.entry("nonbinary", "O"),
            Map.entry("n", "N"), Map.entry("not applicable", "N"),
            Map.entry("p", "P"), Map.entry("prefer not to say", "P"));
    private static final int MAX_KEY_LENGTH = 255;

    private final JsonNodeFactory json = JsonNodeFactory.instance;
    private final String appId;

    /** @param appId Braze app identifier for events and purchases; {@code null} or empty: none sent */
    /** The shop's one currency for an order that gives none (null: none; such an order is refused). */
    private final String defaultCurrency;

    BrazeMapping(String appId) {
        this(appId, null);
    }

    BrazeMapping(String appId, String defaultCurrency) {
        this.defaultCurrency = defaultCurrency;
        this.appId = appId == null || appId.isBlank() ? null : appId.trim();
    }

    /** What one event becomes; empty lists when it is not for Braze. */
    record Objects(List<ObjectNode> attributes, List<ObjectNode> events, List<ObjectNode> purchases) {

        int total() {
            return attributes.size() + events.size() + purchases.size();
        }
    }

    /**
     * Thrown by the helpers below, several calls deep (the user's id, the time, each product), and turned into
     * {@link Mapped#refused} by {@link #map}: it never leaves this class.
     */
    private static final class Unsendable extends RuntimeException {
        Unsendable(String reason) {
            super(reason, null, false, false);
        }
    }

    /** What the event becomes for Braze, not for Braze (a page, a group), or why Braze cannot take it. */
    Mapped<Objects> map(ObjectNode event) {
        String type = event.path("type").asText("");
        try {
            return switch (type) {
                case "identify" -> Mapped.to(new Objects(List.of(attributes(event)), List.of(), List.of()));
                case "track" -> Mapped.to(track(event));
                default -> Mapped.notForVendor();
            };
        } catch (Unsendable e) {
            return Mapped.refused("missing_field", e.getMessage());
        }
    }

    private Objects track(ObjectNode event) {
        String name = event.path("event").asText("");
        if (name.isBlank()) {
            throw new Unsendable("a track without an event name");
        }
        JsonNode products = event.path("properties").path("products");
        if (ORDER_COMPLETED.equals(name) && products.isArray() && !products.isEmpty()) {
            return new Objects(List.of(), List.of(), purchases(event, products));
        }
        ObjectNode o = identified(event);
        if (appId != null) {
            o.put("app_id", appId);
        }
        o.put("name", name);
        o.put("time", time(event));
        ObjectNode properties = properties(event.path("properties"), null);
        if (properties != null && !properties.isEmpty()) {
            o.set("properties", properties);
        }
        return new Objects(List.of(), List.of(o), List.of());
    }

    /** One purchase per product: Braze counts revenue as price × quantity, in the order's currency. */
    private List<ObjectNode> purchases(ObjectNode event, JsonNode products) {
        JsonNode order = event.path("properties");
        String currency = order.path("currency").asText("");
        if (currency.isBlank() && defaultCurrency == null) {
            // A purchase's currency is required by Braze; never assumed (a EUR shop's revenue would count as dollars).
            throw new Unsendable(ORDER_COMPLETED + " without a currency (properties.currency, or the module's"
                    + " braze.default-currency)");
        }
        currency = currency.isBlank() ? defaultCurrency : currency.trim().toUpperCase(Locale.ROOT);
        String time = time(event);
        String orderId = order.path("order_id").asText(null);
        List<ObjectNode> purchases = new ArrayList<>(products.size());
        int position = 0;
        for (JsonNode product : products) {
            position++;
            String productId = firstText(product, "product_id", "sku", "name");
            JsonNode price = product.path("price");
            if (productId == null) {
                throw new Unsendable("product " + position + " of " + ORDER_COMPLETED + " has no product_id, sku or name");
            }
            if (!price.isNumber() && !isNumeric(price)) {
                throw new Unsendable("product " + position + " of " + ORDER_COMPLETED + " has no numeric price");
            }
            ObjectNode p = identified(event);
            if (appId != null) {
                p.put("app_id", appId);
            }
            p.put("product_id", productId);
            p.put("currency", currency);
            if (price.isNumber()) {
                p.set("price", price);
            } else {
                p.put("price", Double.parseDouble(price.asText().trim()));
            }
            if (product.path("quantity").canConvertToInt()) {
                p.put("quantity", product.path("quantity").asInt());
            }
            p.put("time", time);
            ObjectNode properties = properties(product, Set.of("product_id", "price", "quantity", "currency"));
            if (orderId != null) {
                if (properties == null) {
                    properties = json.objectNode();
                }
                properties.put("order_id", orderId);
            }
            if (properties != null && !properties.isEmpty()) {
                p.set("properties", properties);
            }
            purchases.add(p);
        }
        return purchases;
    }

    /** Identify traits: Braze profile fields where Segment's spec has one, every other trait a custom attribute. */
    private ObjectNode attributes(ObjectNode event) {
        ObjectNode o = identified(event);
        JsonNode traits = event.path("traits");
        text(traits, "email").map(String::trim).ifPresent(v -> o.put("email", v));
        text(traits, "phone").map(BrazeMapping::phone).ifPresent(v -> o.put("phone", v));
        firstTextOpt(traits, "firstName", "first_name").ifPresent(v -> o.put("first_name", v));
        firstTextOpt(traits, "lastName", "last_name").ifPresent(v -> o.put("last_name", v));
        text(traits, "gender").map(g -> GENDERS.get(g.trim().toLowerCase(Locale.ROOT))).ifPresent(v -> o.put("gender", v));
        text(traits, "birthday").map(BrazeMapping::dob).ifPresent(v -> o.put("dob", v));
        text(traits, "avatar").ifPresent(v -> o.put("image_url", v));
        JsonNode address = traits.path("address");
        text(address, "city").ifPresent(v -> o.put("home_city", v));
        text(address, "country").map(BrazeMapping::country).ifPresent(v -> o.put("country", v));
        for (Iterator<Map.Entry<String, JsonNode>> it = traits.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> trait = it.next();
            String key = trait.getKey();
            if (!PROFILE_TRAITS.contains(key) && !IDENTITY_KEYS.contains(key) && validKey(key)) {
                o.set(key, trait.getValue());
            }
        }
        return o;
    }

    /** A new object naming the event's user: external_id, else the anonymous alias. */
    private ObjectNode identified(ObjectNode event) {
        ObjectNode o = json.objectNode();
        String userId = event.path("userId").asText("");
        if (!userId.isBlank()) {
            o.put("external_id", userId);
            return o;
        }
        String anonymousId = event.path("anonymousId").asText("");
        if (anonymousId.isBlank()) {
            throw new Unsendable("no userId or anonymousId to name the Braze user by");
        }
        o.putObject("user_alias").put("alias_name", anonymousId).put("alias_label", ALIAS_LABEL);
        o.put("_update_existing_only", false);
        return o;
    }

    /** The event's own time (ISO 8601, as Drover stores it); never the time of sending. */
    private static String time(ObjectNode event) {
        String t = event.path("timestamp").asText("");
        if (t.isBlank()) {
            t = event.path("receivedAt").asText("");
        }
        if (t.isBlank()) {
            throw new Unsendable("no timestamp: Braze needs the time of each event");
        }
        return t;
    }

    /**
     * The properties Braze accepts: keys non-empty, at most 255 characters, no leading '$', not reserved. The
     * source node is returned as it is (no copy) when nothing must go, which is the common case.
     */
    private ObjectNode properties(JsonNode source, Set<String> skip) {
        if (!(source instanceof ObjectNode props)) {
            return null;
        }
        boolean clean = true;
        for (Iterator<String> it = props.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!validProperty(key) || (skip != null && skip.contains(key))) {
                clean = false;
                break;
            }
        }
        if (clean) {
            return skip == null ? props : props.deepCopy();
        }
        ObjectNode copy = json.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (validProperty(e.getKey()) && (skip == null || !skip.contains(e.getKey()))) {
                copy.set(e.getKey(), e.getValue());
            }
        }
        return copy;
    }

    private static boolean validProperty(String key) {
        return validKey(key) && !RESERVED_PROPERTIES.contains(key);
    }

    private static boolean validKey(String key) {
        return !key.isEmpty() && key.length() <= MAX_KEY_LENGTH && key.charAt(0) != '$';
    }

    /** E.164 when the number carries its country code ('+'); otherwise as given, trimmed (the country is unknown). */
    static String phone(String raw) {
        String t = raw.trim();
        if (t.startsWith("+")) {
            StringBuilder b = new StringBuilder(t.length()).append('+');
            for (int i = 1; i < t.length(); i++) {
                char c = t.charAt(i);
                if (c >= '0' && c <= '9') {
                    b.append(c);
                }
            }
            return b.length() > 1 ? b.toString() : null;
        }
        return t.isEmpty() ? null : t;
    }

    /** Braze's dob is "YYYY-MM-DD": the date part of an ISO date or date-time, anything else left out. */
    static String dob(String raw) {
        String t = raw.trim();
        if (t.length() >= 10 && t.charAt(4) == '-' && t.charAt(7) == '-'
                && allDigits(t, 0, 4) && allDigits(t, 5, 7) && allDigits(t, 8, 10)) {
            return t.substring(0, 10);
        }
        return null;
    }

    /** Braze wants ISO-3166-1 alpha-2: a two-letter code, upper-cased; anything else left out. */
    static String country(String raw) {
        String t = raw.trim();
        return t.length() == 2 && Character.isLetter(t.charAt(0)) && Character.isLetter(t.charAt(1))
                ? t.toUpperCase(Locale.ROOT) : null;
    }

    private static boolean allDigits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isNumeric(JsonNode n) {
        if (!n.isTextual()) {
            return false;
        }
        try {
            Double.parseDouble(n.asText().trim());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static java.util.Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isValueNode() && !v.isNull() && !v.asText().isBlank()
                ? java.util.Optional.of(v.asText()) : java.util.Optional.empty();
    }

    private static java.util.Optional<String> firstTextOpt(JsonNode node, String... fields) {
        return java.util.Optional.ofNullable(firstText(node, fields));
    }

    private static String firstText(JsonNode node, String... fields) {
        for (String f : fields) {
            JsonNode v = node.get(f);
            if (v != null && v.isValueNode() && !v.isNull() && !v.asText().isBlank()) {
                return v.asText();
            }
        }
        return null;
    }
}
