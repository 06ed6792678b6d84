package io.drover.destinations.amplitude;

import io.drover.destinations.SegmentEvents;

import java.time.Instant;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.Mapped;
import io.drover.support.IsoTime;

import static io.drover.destinations.SegmentFields.text;

/**
 * Maps one Segment-spec event to one event of Amplitude's HTTP V2 API
 * (https://amplitude.com/docs/apis/analytics/http-v2, "Keys for the event argument"). Page and screen calls are named
 * as Segment's Amplitude destination names them; identify becomes Amplitude's {@code $identify} event that sets the
 * user properties.
 */
final class AmplitudeEvents {

    /** Amplitude's default minimum length of user_id and device_id. */
    static final int DEFAULT_MIN_ID_LENGTH = 5;

    /** Ids Amplitude refuses with a 400 whatever their length (HTTP V2 API, "Invalid IDs"). */
    private static final Set<String> INVALID_IDS = Set.of("anonymous", "nil", "none", "null", "n/a", "na",
            "undefined", "unknown", "\"\"", "00000000-0000-0000-0000-000000000000", "{}", "lmy47d", "0", "-1");

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final int minIdLength;

    AmplitudeEvents(int minIdLength) {
        this.minIdLength = minIdLength;
    }

    /** The Amplitude event, or why it cannot be one. */
    Mapped<ObjectNode> map(ObjectNode event) {
        ObjectNode out = amplitudeEvent(event);
        return out != null ? Mapped.to(out) : Mapped.refused("missing_field", whyNot());
    }

    /** {@code null} when the event has no id Amplitude takes. */
    private ObjectNode amplitudeEvent(ObjectNode event) {
        String userId = usableId(text(event, "userId"));
        String deviceId = usableId(text(event, "anonymousId"));
        if (userId == null && deviceId == null) {
            return null;
        }
        String type = text(event, "type");
        JsonNode context = event.path("context");
        ObjectNode out = JSON.objectNode();
        putText(out, "user_id", userId);
        putText(out, "device_id", deviceId);
        out.put("event_type", eventType(type, event));
        Instant time = time(event);
        if (time != null) {
            out.put("time", time.toEpochMilli());
        }
        putText(out, "insert_id", text(event, "messageId"));
        if ("identify".equals(type)) {
            ObjectNode set = JSON.objectNode();
            if (event.path("traits").isObject()) {
                set.setAll((ObjectNode) event.get("traits"));
            }
            out.putObject("user_properties").set("$set", set);
        } else {
            ObjectNode properties = eventProperties(type, event);
            if (!properties.isEmpty()) {
                out.set("event_properties", properties);
            }
            if ("track".equals(type) && SegmentEvents.ORDER_COMPLETED.equals(text(event, "event"))) {
                revenue(event.path("properties"), out);
            }
        }
        putText(out, "ip", text(context, "ip"));
        putText(out, "platform", platform(context));
        putText(out, "os_name", text(context.path("os"), "name"));
        putText(out, "os_version", text(context.path("os"), "version"));
        putText(out, "device_manufacturer", text(context.path("device"), "manufacturer"));
        putText(out, "device_model", text(context.path("device"), "model"));
        putText(out, "carrier", text(context.path("network"), "carrier"));
        putText(out, "app_version", text(context.path("app"), "version"));
        putText(out, "language", text(context, "locale"));
        return out;
    }

    /** Why {@link #map(ObjectNode)} gave no event. */
    private String whyNot() {
        return "no userId or anonymousId Amplitude accepts as user_id or device_id (at least " + minIdLength
                + " characters, not a placeholder such as \"null\")";
    }

    /** Segment's Amplitude destination: "Viewed <category name> Page" for named pages, else "Loaded a Page". */
    private static String eventType(String type, ObjectNode event) {
        switch (type == null ? "" : type) {
            case "identify":
                return "$identify";
            case "page":
            case "screen": {
                String kind = "page".equals(type) ? "Page" : "Screen";
                String name = text(event, "name");
                String category = text(event, "category");
                String full = category == null ? name : name == null ? category : category + " " + name;
                return full == null ? "Loaded a " + kind : "Viewed " + full + " " + kind;
            }
            default:
                return text(event, "event");
        }
    }

    /** The event's properties; a page's or screen's name and category are among them, as Segment sends them. */
    private static ObjectNode eventProperties(String type, ObjectNode event) {
        ObjectNode properties = JSON.objectNode();
        if (event.path("properties").isObject()) {
            properties.setAll((ObjectNode) event.get("properties"));
        }
        if ("page".equals(type) || "screen".equals(type)) {
            putText(properties, "name", text(event, "name"));
            putText(properties, "category", text(event, "category"));
        }
        return properties;
    }

    /**
     * Amplitude's revenue fields for a purchase: one revenue per order (revenue, else total), as Segment's destination
     * does without per-product revenue. price and quantity are left out: Amplitude would use price * quantity instead.
     */
    private static void revenue(JsonNode properties, ObjectNode out) {
        JsonNode revenue = properties.path("revenue").isNumber() ? properties.get("revenue") : properties.get("total");
        if (revenue != null && revenue.isNumber()) {
            out.set("revenue", revenue);
            putText(out, "revenueType", text(properties, "revenueType"));
        }
    }

    /** Segment's device type ("ios", "android") for apps; "Web" for an event from a browser page. */
    private static String platform(JsonNode context) {
        String deviceType = text(context.path("device"), "type");
        if (deviceType != null) {
            return deviceType;
        }
        return context.path("page").isObject() ? "Web" : null;
    }

    private String usableId(String id) {
        if (id == null || id.length() < minIdLength || INVALID_IDS.contains(id.toLowerCase(Locale.ROOT))) {
            return null;
        }
        return id;
    }

    private static Instant time(ObjectNode event) {
        String timestamp = text(event, "timestamp");
        return timestamp == null ? null : IsoTime.parse(timestamp);
    }

    private static void putText(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
