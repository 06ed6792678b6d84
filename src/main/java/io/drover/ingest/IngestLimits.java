package io.drover.ingest;

/** Segment's limits by default: 32 KB per message, 500 KB per batch request, 2,500 messages per batch. */
record IngestLimits(int maxMessageBytes, int maxBatchBytes, int maxBatchMessages) {
}
