package io.drover.destinations.mixpanel;

import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.Mapped;
import io.drover.support.IsoTime;
import io.drover.destinations.Hashing;

import static io.drover.destinations.SegmentFields.text;

/**
 * Maps Segment-spec events to Mixpanel's Ingestion API: track, page and screen to {@code /import} events
 * (https://docs.mixpanel.com/reference/import-events), identify to an {@code /engage} profile {@code $set}
 * (https://docs.mixpanel.com/reference/profile-set). Page and screen calls are "Loaded a Page" / "Loaded a Screen", the
 * consolidated names Segment's Mixpanel destination uses by default.
 */
final class MixpanelEvents {

    /** "$insert_id ... 36 character case-sensitive alphanumeric characters (with -)". */
    private static final Pattern INSERT_ID = Pattern.compile("[A-Za-z0-9-]{1,36}");

    /** Segment traits that are Mixpanel's reserved profile properties. */
    private static final Map<String, String> PROFILE_PROPERTIES = Map.of("email", "$email", "firstName", "$first_name",
            "lastName", "$last_name", "name", "$name", "phone", "$phone", "createdAt", "$created", "avatar", "$avatar");

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final String token;

    MixpanelEvents(String token) {
        this.token = token;
    }

    /** An /import event for a track, page or screen, an /engage profile update for an identify, or why not. */
    Mapped<ObjectNode> map(ObjectNode event) {
        ObjectNode out = "identify".equals(event.path("type").asText()) ? profile(event) : event(event);
        return out != null ? Mapped.to(out) : Mapped.refused("missing_field", whyNot(event));
    }

    /** An /import event, or {@code null} when it lacks what Mixpanel requires (see {@link #whyNot}). */
    ObjectNode event(ObjectNode event) {
        String distinctId = distinctId(event);
        String insertId = insertId(text(event, "messageId"));
        Instant time = time(event);
        if (distinctId == null || insertId == null || time == null) {
            return null;
        }
        String type = text(event, "type");
        JsonNode context = event.path("context");
        JsonNode page = context.path("page");
        ObjectNode properties = JSON.objectNode();
        if (event.path("properties").isObject()) {
            properties.setAll((ObjectNode) event.get("properties"));
        }
        if ("page".equals(type) || "screen".equals(type)) {
            putText(properties, "name", text(event, "name"));
            putText(properties, "category", text(event, "category"));
        }
        properties.put("token", token);
        properties.put("time", time.toEpochMilli());
        properties.put("distinct_id", distinctId);
        properties.put("$insert_id", insertId);
        putText(properties, "$user_id", text(event, "userId"));
        putText(properties, "$device_id", text(event, "anonymousId"));
        putText(properties, "ip", text(context, "ip"));
        String url = "page".equals(type) && text(event.path("properties"), "url") != null
                ? text(event.path("properties"), "url") : text(page, "url");
        putText(properties, "$current_url", url);
        String referrer = "page".equals(type) && text(event.path("properties"), "referrer") != null
                ? text(event.path("properties"), "referrer") : text(page, "referrer");
        putText(properties, "$referrer", referrer);
        putText(properties, "$os", text(context.path("os"), "name"));
        putText(properties, "$browser", Browsers.name(text(context, "userAgent")));
        putNumber(properties, "$screen_width", context.path("screen").get("width"));
        putNumber(properties, "$screen_height", context.path("screen").get("height"));
        putText(properties, "$app_version_string", text(context.path("app"), "version"));
        putText(properties, "$manufacturer", text(context.path("device"), "manufacturer"));
        putText(properties, "$model", text(context.path("device"), "model"));
        JsonNode campaign = context.path("campaign");
        putText(properties, "utm_source", text(campaign, "source"));
        putText(properties, "utm_medium", text(campaign, "medium"));
        putText(properties, "utm_campaign", text(campaign, "name"));
        putText(properties, "utm_term", text(campaign, "term"));
        putText(properties, "utm_content", text(campaign, "content"));
        ObjectNode out = JSON.objectNode();
        out.put("event", eventName(type, event));
        out.set("properties", properties);
        return out;
    }

    /** An /engage profile update setting the identify call's traits, or {@code null} without a distinct id. */
    ObjectNode profile(ObjectNode event) {
        String distinctId = distinctId(event);
        if (distinctId == null) {
            return null;
        }
        ObjectNode set = JSON.objectNode();
        event.path("traits").fields().forEachRemaining(t -> set.set(PROFILE_PROPERTIES.getOrDefault(t.getKey(), t.getKey()),
                t.getValue()));
        if (!set.has("$name") && set.has("$first_name") && set.has("$last_name")) {
            set.put("$name", set.get("$first_name").asText() + " " + set.get("$last_name").asText());
        }
        ObjectNode out = JSON.objectNode();
        out.put("$token", token);
        out.put("$distinct_id", distinctId);
        // Without $ip Mixpanel would place the profile where Drover runs; "0" tells it to skip geolocation.
        String ip = text(event.path("context"), "ip");
        out.put("$ip", ip == null ? "0" : ip);
        out.set("$set", set);
        return out;
    }

    private String whyNot(ObjectNode event) {
        if (distinctId(event) == null) {
            return "no userId or anonymousId for Mixpanel's distinct_id";
        }
        if (text(event, "messageId") == null) {
            return "no messageId for Mixpanel's $insert_id";
        }
        return "no valid timestamp for Mixpanel's time";
    }

    /**
     * The messageId when it is a valid $insert_id (at most 36 letters, digits and '-'); otherwise the first 36 hex
     * digits of its SHA-256, as Mixpanel suggests: the same messageId always gives the same $insert_id, so retries and
     * replays are still deduplicated.
     */
    static String insertId(String messageId) {
        if (messageId == null) {
            return null;
        }
        return INSERT_ID.matcher(messageId).matches() ? messageId : Hashing.sha256(messageId).substring(0, 36);
    }

    private static String eventName(String type, ObjectNode event) {
        if ("page".equals(type)) {
            return "Loaded a Page";
        }
        if ("screen".equals(type)) {
            return "Loaded a Screen";
        }
        return text(event, "event");
    }

    private static String distinctId(ObjectNode event) {
        String userId = text(event, "userId");
        return userId != null ? userId : text(event, "anonymousId");
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

    private static void putNumber(ObjectNode node, String field, JsonNode value) {
        if (value != null && value.isNumber()) {
            node.set(field, value);
        }
    }
}
