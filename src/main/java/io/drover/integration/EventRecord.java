package io.drover.integration;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One event read from drover.events for an integration, with where it came from (for commits and dead letters) and
 * its JSON as stored (for request beans that send events as they are).
 */
public record EventRecord(String key, int partition, long offset, ObjectNode event, byte[] json) {
}
