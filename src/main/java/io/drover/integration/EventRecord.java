package io.drover.integration;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One event read from drover.events for an integration, with where it came from (for commits and dead letters). */
public record EventRecord(String key, int partition, long offset, ObjectNode event) {
}
