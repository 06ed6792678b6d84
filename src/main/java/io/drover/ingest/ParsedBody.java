package io.drover.ingest;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request body split into its messages. For a batch, the top-level fields ({@code context}, {@code integrations},
 * {@code sentAt}, {@code writeKey}) are kept in {@code envelope}; each item keeps the size it had on the wire.
 */
record ParsedBody(ObjectNode envelope, List<Item> items) {

    record Item(ObjectNode message, int bytes) {
    }
}
