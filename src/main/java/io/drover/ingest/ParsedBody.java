package io.drover.ingest;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request body split into its messages. For a batch, the top-level fields ({@code context}, {@code integrations},
 * {@code sentAt}, {@code writeKey}) are kept in {@code envelope}; each item keeps the size it had on the wire, and
 * why it is refused when it is (an item that is not an object, or too large: the other items go on).
 * {@code outOfRangeNumbers}: the body holds a number beyond a double's range ({@link OutOfRangeNumbers}).
 */
record ParsedBody(ObjectNode envelope, List<Item> items, boolean outOfRangeNumbers) {

    /** @param value the item as sent (null when too large to keep); @param refused why it is refused, or null */
    record Item(JsonNode value, int bytes, IngestException refused) {
        Item(ObjectNode message, int bytes) {
            this(message, bytes, null);
        }

        /** The item as an object, for an item that is not refused. */
        ObjectNode message() {
            return (ObjectNode) value;
        }
    }
}
