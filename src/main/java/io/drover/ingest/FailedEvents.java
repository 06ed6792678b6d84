package io.drover.ingest;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.buffer.EventBuffer;
import io.drover.identity.UserHash;

/**
 * Messages ingestion refused, kept with their reason in the failed-events topic ({@code drover.invalid}), so that
 * nothing a client sent disappears silently: SDKs do not re-send a 400, and a batch's valid messages are stored
 * while its invalid ones are answered by index. A record: {@code {"source", "receivedAt", "index", "code",
 * "reason", "bytes", "message"}}; {@code message} is the item as it was sent, less its {@code writeKey} and
 * {@code context.userHash} (absent when it was too large to keep); {@code index} is absent for a single message.
 */
final class FailedEvents {

    /** A refused message: its place in the batch (-1: the request was one message), why, and what it was. */
    record Rejected(int index, IngestException reason, JsonNode item, int bytes) {
    }

    private final String topic;

    FailedEvents(String topic) {
        this.topic = topic;
    }

    List<EventBuffer.Record> records(String source, String receivedAt, List<Rejected> rejected) {
        List<EventBuffer.Record> records = new ArrayList<>(rejected.size());
        for (Rejected r : rejected) {
            ObjectNode failed = Json.MAPPER.createObjectNode().put("source", source).put("receivedAt", receivedAt);
            if (r.index() >= 0) {
                failed.put("index", r.index());
            }
            failed.put("code", r.reason().code()).put("reason", r.reason().getMessage()).put("bytes", r.bytes());
            if (r.item() != null) {
                if (r.item() instanceof ObjectNode item) {
                    // A credential for its user, kept nowhere (as the write key).
                    UserHash.take(item);
                }
                failed.set("message", r.item());
            }
            try {
                records.add(EventBuffer.Record.to(topic, Json.MAPPER.writeValueAsBytes(failed)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a parsed tree could not be written", e);
            }
        }
        return records;
    }

    /** The answer's list: {@code [{"index", "code", "message"}]}, the reasons clients read. */
    static ArrayNode describe(List<Rejected> rejected) {
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (Rejected r : rejected) {
            ObjectNode item = list.addObject();
            if (r.index() >= 0) {
                item.put("index", r.index());
            }
            item.put("code", r.reason().code()).put("message", r.reason().getMessage());
        }
        return list;
    }
}
