package io.drover.ingest;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.support.IsoTime;

/**
 * Validates one message against the Segment spec and enriches it the way Segment does: {@code messageId} when
 * missing, {@code receivedAt}, a clock-skew-corrected {@code timestamp} (keeping {@code originalTimestamp}),
 * {@code context.ip} and {@code context.userAgent}; batch-level {@code context} and {@code integrations} are merged in,
 * the message's own values winning.
 */
final class MessageNormaliser {

    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");
    static final Set<String> TYPES = Set.of("track", "identify", "page", "screen", "group", "alias");
    private static final Set<String> OBJECT_FIELDS = Set.of("properties", "traits", "context", "integrations");

    /** What a request says about all its messages. */
    record RequestFacts(String forcedType, ObjectNode envelope, Instant receivedAt, String receivedAtText, String ip,
                        String userAgent, boolean outOfRangeNumbers) {
        RequestFacts(String forcedType, ObjectNode envelope, Instant receivedAt, String ip, String userAgent,
                     boolean outOfRangeNumbers) {
            // Formatted once per request: every message of a batch shares it.
            this(forcedType, envelope, receivedAt, format(receivedAt), ip, userAgent, outOfRangeNumbers);
        }
    }

    /** A message ready for the buffer, with its partitioning key; clientMessageId: the id came from the client. */
    record Normalised(ObjectNode message, String key, String messageId, boolean clientMessageId) {
    }

    /**
     * Validates, then enriches, one message: each rule is a step below, in the order they apply (validation first,
     * so that nothing is copied into a message that is refused). A new rule goes where it belongs in this list.
     */
    Normalised normalise(ObjectNode m, int index, RequestFacts facts) {
        String where = index < 0 ? "" : "batch[" + index + "]: ";
        m.remove("writeKey");
        String type = requireType(m, facts, where);
        requireObjectFields(m, where);
        String userId = id(m, "userId", where);
        String anonymousId = id(m, "anonymousId", where);
        if (userId == null && anonymousId == null) {
            throw bad(where, "missing_id", "either 'userId' or 'anonymousId' is required");
        }
        requireByType(m, type, where);
        String messageId = id(m, "messageId", where);
        boolean clientMessageId = messageId != null;
        if (messageId == null) {
            messageId = randomUuid();
            m.put("messageId", messageId);
        }
        merge(facts.envelope(), "context", m);
        merge(facts.envelope(), "integrations", m);
        if (facts.outOfRangeNumbers()) {
            FiniteNumbers.require(m, where);   // the body holds one: find which message, and where in it
        }
        enrichTimestamps(m, facts, where);
        enrichContext(m, facts);
        return new Normalised(m, userId != null ? userId : anonymousId, messageId, clientMessageId);
    }

    /** The path's type, else the message's own, one of Segment's six. */
    private static String requireType(ObjectNode m, RequestFacts facts, String where) {
        String type = facts.forcedType() != null ? facts.forcedType() : text(m, "type", where);
        if (type == null) {
            throw bad(where, "missing_type", "'type' is required (one of track, identify, page, screen, group, alias)");
        }
        if (!TYPES.contains(type)) {
            throw bad(where, "invalid_type", "unknown type '" + clip(type) + "' (expected track, identify, page, screen, group or alias)");
        }
        m.put("type", type);
        return type;
    }

    /** properties, traits, context and integrations are objects when present (null counts as absent). */
    private static void requireObjectFields(ObjectNode m, String where) {
        for (String field : OBJECT_FIELDS) {
            JsonNode v = m.get(field);
            if (v != null && !v.isNull() && !v.isObject()) {
                throw bad(where, "invalid_field", "'" + field + "' must be an object, not " + kind(v));
            }
            if (v != null && v.isNull()) {
                m.remove(field);
            }
        }
    }

    /** What each type requires (track: an event; alias: previousId; group: groupId); name and event are text. */
    private static void requireByType(ObjectNode m, String type, String where) {
        switch (type) {
            case "track" -> {
                String event = text(m, "event", where);
                if (event == null || event.isBlank()) {
                    throw bad(where, "missing_event", "a track message requires a non-empty 'event'");
                }
            }
            case "alias" -> {
                if (id(m, "previousId", where) == null) {
                    throw bad(where, "missing_previous_id", "an alias message requires 'previousId'");
                }
            }
            case "group" -> {
                if (id(m, "groupId", where) == null) {
                    throw bad(where, "missing_group_id", "a group message requires 'groupId'");
                }
            }
            default -> {
                // page and screen may carry a name, identify only traits: nothing else is required.
            }
        }
        text(m, "name", where);
        text(m, "event", where);
    }

    private void enrichTimestamps(ObjectNode m, RequestFacts facts, String where) {
        Instant receivedAt = facts.receivedAt();
        m.put("receivedAt", facts.receivedAtText());

        String sentAtText = text(m, "sentAt", where);
        if (sentAtText == null && facts.envelope() != null) {
            JsonNode batchSentAt = facts.envelope().get("sentAt");
            if (batchSentAt != null && batchSentAt.isTextual()) {
                sentAtText = batchSentAt.asText();
                m.put("sentAt", sentAtText);
            }
        }
        // Checked even when there is nothing to correct: it is stored, and a vendor mapping may read it.
        Instant sentAt = sentAtText == null ? null : instant(sentAtText, where, "sentAt");
        String originalText = text(m, "originalTimestamp", where);
        if (originalText == null) {
            originalText = text(m, "timestamp", where);
        }
        if (originalText == null) {
            m.put("timestamp", facts.receivedAtText());
            return;
        }
        Instant original = instant(originalText, where, m.has("originalTimestamp") ? "originalTimestamp" : "timestamp");
        m.put("originalTimestamp", originalText);
        Instant timestamp = original;
        if (sentAt != null) {
            // Segment's clock-skew correction: the device clock may be wrong, the delay it measured is not.
            timestamp = inRange(receivedAt.minusMillis(sentAt.toEpochMilli() - original.toEpochMilli()), where,
                    "timestamp corrected for the clock skew between sentAt and originalTimestamp");
        }
        m.put("timestamp", IsoTime.format(timestamp));
    }

    private static void enrichContext(ObjectNode m, RequestFacts facts) {
        ObjectNode context = m.has("context") ? (ObjectNode) m.get("context") : m.putObject("context");
        if (facts.ip() != null && !hasText(context, "ip")) {
            context.put("ip", facts.ip());
        }
        if (facts.userAgent() != null && !hasText(context, "userAgent")) {
            context.put("userAgent", facts.userAgent());
        }
        // MetaRouter's tag names vendor ids its own way (googleAnalytics4.clientID, facebookTag._fbp): Drover's too.
        io.drover.kits.ProviderNames.addDroverNames(context);
    }

    /** Batch-level context and integrations apply to every message; the message's own values win, key by key. */
    private static void merge(ObjectNode envelope, String field, ObjectNode message) {
        if (envelope == null) {
            return;
        }
        JsonNode defaults = envelope.get(field);
        if (defaults == null || !defaults.isObject() || defaults.isEmpty()) {
            return;
        }
        JsonNode own = message.get(field);
        if (own == null) {
            message.set(field, defaults.deepCopy());
        } else {
            deepMerge((ObjectNode) own, (ObjectNode) defaults);
        }
    }

    private static void deepMerge(ObjectNode target, ObjectNode defaults) {
        Iterator<Map.Entry<String, JsonNode>> fields = defaults.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            JsonNode existing = target.get(e.getKey());
            if (existing == null) {
                target.set(e.getKey(), e.getValue().deepCopy());
            } else if (existing.isObject() && e.getValue().isObject()) {
                deepMerge((ObjectNode) existing, (ObjectNode) e.getValue());
            }
        }
    }

    /** An identifier: a non-empty string, or a number turned into one (as Segment's libraries do). */
    private static String id(ObjectNode m, String field, String where) {
        JsonNode v = m.get(field);
        if (v == null || v.isNull()) {
            m.remove(field);
            return null;
        }
        if (v.isTextual()) {
            String s = v.asText();
            if (s.isEmpty()) {
                m.remove(field);
                return null;
            }
            return s;
        }
        if (v.isIntegralNumber()) {
            String s = v.asText();
            m.put(field, s);
            return s;
        }
        throw bad(where, "invalid_field", "'" + field + "' must be a string, not " + kind(v));
    }

    private static String text(ObjectNode m, String field, String where) {
        JsonNode v = m.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw bad(where, "invalid_field", "'" + field + "' must be a string, not " + kind(v));
        }
        return v.asText();
    }

    private static boolean hasText(ObjectNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() && !v.asText().isEmpty();
    }

    static Instant instant(String text, String where, String field) {
        Instant instant = IsoTime.parse(text);
        if (instant == null) {
            try {
                // A bare date, as some backends send it: its start, in UTC.
                instant = LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw bad(where, "invalid_timestamp", "'" + field + "' must be an ISO-8601 date-time, got '" + clip(text) + "'");
            }
        }
        return inRange(instant, where, field);
    }

    /**
     * Years 0001 to 9999, the range ISO-8601 writes without an expanded year, which every vendor parses: a device
     * clock may be wrong by years (Segment keeps it, and so does Drover), never by millennia.
     */
    private static Instant inRange(Instant instant, String where, String field) {
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw bad(where, "invalid_timestamp", "'" + field + "' must be between the years 0001 and 9999");
        }
        return instant;
    }

    /** A version-4 UUID from a fast generator: message ids need uniqueness, not unpredictability. */
    static String randomUuid() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        long high = (r.nextLong() & ~0xf000L) | 0x4000L;
        long low = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    static String format(Instant instant) {
        return IsoTime.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }

    private static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case ARRAY -> "an array";
            case BOOLEAN -> "a boolean";
            case NUMBER -> "a number";
            case OBJECT -> "an object";
            case STRING -> "a string";
            default -> v.getNodeType().name().toLowerCase();
        };
    }

    private static String clip(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }

    private static IngestException bad(String where, String code, String message) {
        return IngestException.badRequest(code, where + message);
    }
}
