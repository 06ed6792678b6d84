package io.drover.destinations.tiktok;

import io.drover.destinations.SegmentEvents;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.Currencies;
import io.drover.destinations.EventTimes;
import io.drover.destinations.Hashing;
import io.drover.destinations.SegmentFields;
import io.drover.destinations.api.Mapped;

import static io.drover.destinations.SegmentFields.text;

/**
 * One Segment event as one entry of the Events API 2.0 {@code data} array: {@code event}, {@code event_time} (s),
 * {@code event_id} (the messageId, for deduplication with the pixel), {@code user}, {@code page} and
 * {@code properties}. Segment's ecommerce events become TikTok's standard events, a page {@code Pageview}, any other
 * track a custom event of the same name.
 */
final class TikTokEvents {

    /**
     * Segment ecommerce v2 event → TikTok standard event. An order is {@code Purchase}, TikTok's current code for "a
     * visitor completes a purchase", recommended "when placing an order and making a payment are the same", which is
     * what Segment's Order Completed records (https://ads.tiktok.com/help/article/supported-standard-events: its 2025
     * editions give Purchase the description the edition read in issue 13 gave CompletePayment; MetaRouter's kit sends
     * Purchase too).
     */
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

    private TikTokEvents() {
    }

    /** The TikTok event; not for TikTok when the event is not one TikTok takes (identify, group, ...). */
    static Mapped<ObjectNode> map(ObjectNode event) {
        return map(event, null, reason -> { });
    }

    /**
     * The TikTok event, or why TikTok cannot take it; a value without a currency takes {@code defaultCurrency} (null:
     * none, and the value is left out, {@code omitted} told).
     */
    static Mapped<ObjectNode> map(ObjectNode event, String defaultCurrency, java.util.function.Consumer<String> omitted) {
        Mapped<String> named = SegmentEvents.name(event, "Pageview", STANDARD_EVENTS);
        if (!(named instanceof Mapped.To<String> to)) {
            return named.passOn();
        }
        String name = to.value();
        String track = "track".equals(event.path("type").asText()) ? text(event, "event") : null;
        long eventTime = EventTimes.epochSeconds(event);
        if (eventTime < 0) {
            return Mapped.refused("missing_field", "no timestamp");
        }
        ObjectNode out = JSON.objectNode();
        out.put("event", name);
        out.put("event_time", eventTime);
        String messageId = text(event, "messageId");
        if (messageId != null) {
            out.put("event_id", messageId);
        }
        ObjectNode user = user(event);
        if (!user.isEmpty()) {
            out.set("user", user);
        }
        JsonNode ldu = limitedDataUse(event);
        if (ldu != null) {
            out.set("limited_data_use", ldu);
        }
        ObjectNode page = page(event);
        if (!page.isEmpty()) {
            out.set("page", page);
        }
        ObjectNode properties = properties(name, track, event.path("properties"), defaultCurrency, omitted);
        if (!properties.isEmpty()) {
            out.set("properties", properties);
        }
        return Mapped.to(out);
    }

    /**
     * email, phone and external_id SHA-256 hashed after normalising (never twice); ip, user_agent, ttclid and ttp as
     * they are.
     */
    static ObjectNode user(JsonNode event) {
        JsonNode context = event.path("context");
        JsonNode traits = "identify".equals(event.path("type").asText()) ? event.path("traits") : context.path("traits");
        ObjectNode user = JSON.objectNode();
        put(user, "email", email(text(traits, "email")));
        put(user, "phone", phone(text(traits, "phone")));
        String id = text(event, "userId");
        put(user, "external_id", externalId(id != null ? id : text(event, "anonymousId")));
        JsonNode tiktok = context.path("providers").path("tiktok");
        put(user, "ttclid", text(tiktok, "ttclid"));
        put(user, "ttp", text(tiktok, "ttp"));
        put(user, "ip", text(context, "ip"));
        put(user, "user_agent", text(context, "userAgent"));
        // BCP 47, as Segment's context.locale is (Events API 2.0 user.locale).
        put(user, "locale", text(context, "locale"));
        return user;
    }

    /**
     * Events API 2.0's {@code limited_data_use} (TikTok's Limited Data Use: "a request for limited data processing")
     * from the user's own advertising consent: false when they gave it, true when they refused it (an event the
     * module's consent setting lets through anyway), not sent when the event does not say. Never a constant: the kit's
     * false for everyone claims what Drover does not know.
     */
    static JsonNode limitedDataUse(JsonNode event) {
        JsonNode advertising = event.path("context").path("consent").path("categoryPreferences").path("advertising");
        return advertising.isBoolean() ? JSON.booleanNode(!advertising.booleanValue()) : null;
    }

    /** Trimmed and lower-cased, then SHA-256. */
    static String email(String raw) {
        return Hashing.hash(raw, Hashing::email);
    }

    /**
     * E.164 ("+" country code and number, digits only), then SHA-256: "+1 (650) 555-1234" → "+16505551234"; an
     * international "00" prefix is read as the "+". The number must carry its country code.
     */
    static String phone(String raw) {
        return Hashing.hash(raw, r -> {
            String d = Hashing.phoneDigits(r);
            return d.isEmpty() ? null : "+" + d;
        });
    }

    /** Trimmed, then SHA-256 (TikTok wants external_id hashed like the contact data). */
    static String externalId(String raw) {
        return Hashing.hash(raw, Hashing::trimmed);
    }

    private static ObjectNode page(ObjectNode event) {
        ObjectNode page = JSON.objectNode();
        JsonNode contextPage = event.path("context").path("page");
        boolean isPage = "page".equals(event.path("type").asText());
        JsonNode properties = event.path("properties");
        String url = isPage ? text(properties, "url") : null;
        String referrer = isPage ? text(properties, "referrer") : null;
        put(page, "url", url != null ? url : text(contextPage, "url"));
        put(page, "referrer", referrer != null ? referrer : text(contextPage, "referrer"));
        return page;
    }

    private static ObjectNode properties(String tiktokName, String track, JsonNode properties, String defaultCurrency,
                                         java.util.function.Consumer<String> omitted) {
        ObjectNode out = JSON.objectNode();
        if (track == null || !properties.isObject()) {
            return out;
        }
        switch (tiktokName) {
            case "Purchase", "InitiateCheckout" -> {
                contents(out, properties.path("products"));
                if ("Purchase".equals(tiktokName)) {
                    put(out, "order_id", text(properties, "order_id"));
                }
                Currencies.putValue(out, properties, defaultCurrency, omitted, "revenue", "total", "value");
            }
            case "AddToCart", "ViewContent", "AddToWishlist" -> {
                contents(out, JSON.arrayNode().add(properties));
                // TikTok's parameters page: "description: a string description of the item or page".
                put(out, "description", text(properties, "name"));
                // TikTok: "price is the price for a single item, and value is the total price": two items at 10
                // are price 10, value 20 (the kits comparison found Drover sending the price as the value).
                ObjectNode total = properties.deepCopy();
                if (!total.hasNonNull("value") && SegmentFields.number(properties.get("price")) != null) {
                    JsonNode quantity = SegmentFields.number(properties.get("quantity"));
                    total.put("value", new java.math.BigDecimal(properties.get("price").asText())
                            .multiply(java.math.BigDecimal.valueOf(quantity == null ? 1 : quantity.asLong())));
                }
                Currencies.putValue(out, total, defaultCurrency, omitted, "value");
            }
            case "Search" -> {
                String query = text(properties, "query");
                if (query != null) {
                    out.put("search_string", query);
                }
            }
            default -> Currencies.putValue(out, properties, defaultCurrency, omitted, "value", "revenue");
        }
        return out;
    }

    /**
     * contents [{content_id, content_name, content_category, brand, price, quantity}], and on the event content_type
     * "product", content_ids (the same ids: TikTok's parameters page recommends them for catalogue matching) and
     * num_items (Events API 2.0's number of items: the quantities added up, a product without one counting 1).
     */
    private static void contents(ObjectNode out, JsonNode products) {
        if (!products.isArray()) {
            return;
        }
        ArrayNode contents = JSON.arrayNode();
        ArrayNode ids = JSON.arrayNode();
        long items = 0;
        for (JsonNode p : products) {
            String id = text(p, "product_id");
            if (id == null) {
                id = text(p, "sku");
            }
            if (id == null) {
                continue;
            }
            ObjectNode c = contents.addObject().put("content_id", id);
            ids.add(id);
            put(c, "content_name", text(p, "name"));
            put(c, "content_category", text(p, "category"));
            put(c, "brand", text(p, "brand"));
            JsonNode price = SegmentFields.number(p.get("price"));
            if (price != null) {
                c.set("price", price);
            }
            JsonNode quantity = SegmentFields.number(p.get("quantity"));
            long q = quantity == null ? 1 : quantity.asLong();
            c.put("quantity", q);
            items += q;
        }
        if (!contents.isEmpty()) {
            out.set("contents", contents);
            // A property of the event, not of each content (TikTok's parameters page): product ids are SKUs.
            out.put("content_type", "product");
            out.set("content_ids", ids);
            out.put("num_items", items);
        }
    }

    private static void put(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
