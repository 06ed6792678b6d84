package io.drover.console;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.journey.Journey;
import io.drover.journey.Masking;
import io.drover.support.IsoTime;

/**
 * The journey of one message as {@code GET /admin/events/<messageId>} answers it: what was received and when (its
 * stored copy), what ingestion added (read from the stored event: receivedAt, the clock-skew correction, the
 * connection's ip and user agent, consent, the vendor ids of context.providers), then each integration's journey.
 */
final class JourneyView {

    private JourneyView() {
    }

    static ObjectNode of(List<EventsReader.Stored> stored, List<Journey> journeys, boolean recording) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        if (!stored.isEmpty()) {
            EventsReader.Stored first = stored.get(0);
            o.putObject("received").put("storedAt", Instant.ofEpochMilli(first.timestamp()).toString())
                    .put("source", first.source()).put("partition", first.partition()).put("offset", first.offset());
            o.set("ingestion", ingestion(first.event()));
        }
        o.put("recording", recording);
        var list = o.putArray("integrations");
        journeys.forEach(j -> list.add(j.toJson(Masking.SECRETS)));
        if (journeys.isEmpty()) {
            o.put("note", recording ? "no integration of this instance recorded this event (not sampled, older than"
                    + " what the journeys keep, or handled by another instance)" : "journeys are off (drover.journey.enabled)");
        }
        return o;
    }

    private static ObjectNode ingestion(JsonNode e) {
        ObjectNode i = JsonNodeFactory.instance.objectNode();
        copy(e, "messageId", i);
        copy(e, "receivedAt", i);
        copy(e, "sentAt", i);
        copy(e, "originalTimestamp", i);
        copy(e, "timestamp", i);
        Instant ts = time(e, "timestamp");
        Instant original = time(e, "originalTimestamp");
        if (ts != null && original != null && e.hasNonNull("sentAt")) {
            i.put("clockSkewMs", Duration.between(ts, original).toMillis());
        }
        JsonNode context = e.path("context");
        if (context.has("ip")) {
            i.set("ip", context.get("ip"));
        }
        if (context.has("userAgent")) {
            i.set("userAgent", context.get("userAgent"));
        }
        if (context.has("consent")) {
            i.set("consent", context.get("consent"));
        }
        if (context.has("providers")) {
            // Vendor ids: the browser's, or added from the identity store (docs/security.md, section 2).
            i.set("providers", context.get("providers"));
        }
        return i;
    }

    private static void copy(JsonNode e, String field, ObjectNode to) {
        if (e.hasNonNull(field)) {
            to.set(field, e.get(field));
        }
    }

    private static Instant time(JsonNode e, String field) {
        return e.hasNonNull(field) ? IsoTime.parse(e.get(field).asText()) : null;
    }
}
