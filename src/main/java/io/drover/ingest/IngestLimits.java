package io.drover.ingest;

/**
 * Segment's limits by default: 32 KB per message, 500 KB per batch request, 2,500 messages per batch; and what one
 * request may store once the batch's context is merged into each message.
 */
record IngestLimits(int maxMessageBytes, int maxBatchBytes, int maxBatchMessages, long maxStoredBytes) {
}
