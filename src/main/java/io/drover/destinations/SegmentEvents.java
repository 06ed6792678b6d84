package io.drover.destinations;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.drover.destinations.api.Mapped;

/**
 * The event names of Segment's specs that destinations map to their own standard events (Segment's ecommerce v2 spec,
 * https://segment.com/docs/connections/spec/ecommerce/v2/, and the B2B SaaS and lifecycle names), written once: each
 * vendor's table maps these to its names, so a misspelt name cannot make one vendor miss an event the others take.
 */
public final class SegmentEvents {

    public static final String ORDER_COMPLETED = "Order Completed";
    public static final String ORDER_REFUNDED = "Order Refunded";
    public static final String CHECKOUT_STARTED = "Checkout Started";
    public static final String PAYMENT_INFO_ENTERED = "Payment Info Entered";
    public static final String PRODUCT_ADDED = "Product Added";
    public static final String PRODUCT_REMOVED = "Product Removed";
    public static final String PRODUCT_VIEWED = "Product Viewed";
    public static final String PRODUCT_CLICKED = "Product Clicked";
    public static final String PRODUCT_LIST_VIEWED = "Product List Viewed";
    public static final String PRODUCTS_SEARCHED = "Products Searched";
    public static final String PRODUCT_ADDED_TO_WISHLIST = "Product Added to Wishlist";
    public static final String PRODUCT_SHARED = "Product Shared";
    public static final String CART_VIEWED = "Cart Viewed";
    public static final String PROMOTION_VIEWED = "Promotion Viewed";
    public static final String PROMOTION_CLICKED = "Promotion Clicked";
    public static final String SIGNED_UP = "Signed Up";
    public static final String SIGNED_IN = "Signed In";
    public static final String TRIAL_STARTED = "Trial Started";

    private SegmentEvents() {
    }

    /**
     * A conversions API's name for an event that takes custom events too (Meta, TikTok): {@code page} for a page, the
     * vendor's standard event from {@code standard} for a spec track event, any other track under its own name; a
     * track without a name is refused; other types (identify, group, ...) are not for the vendor.
     */
    public static Mapped<String> name(JsonNode event, String page, Map<String, String> standard) {
        String type = event.path("type").asText();
        if ("page".equals(type)) {
            return Mapped.to(page);
        }
        if (!"track".equals(type)) {
            return Mapped.notForVendor();
        }
        String track = SegmentFields.text(event, "event");
        if (track == null) {
            return Mapped.refused("missing_field", "a track without an event name");
        }
        return Mapped.to(standard.getOrDefault(track, track));
    }

    /**
     * A name for an API that takes only its standard events (Pinterest, Snapchat): {@code page} for a page, the
     * vendor's event from {@code standard} for a spec track event; {@code null} when it has none for the event.
     */
    public static String standardName(JsonNode event, String page, Map<String, String> standard) {
        String type = event.path("type").asText("");
        if (type.equals("page")) {
            return page;
        }
        return type.equals("track") ? standard.get(event.path("event").asText("")) : null;
    }
}
