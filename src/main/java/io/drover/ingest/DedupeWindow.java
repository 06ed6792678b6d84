package io.drover.ingest;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Remembers the message ids accepted recently, per source, so that a client re-sending a batch it believes lost does
 * not store its events twice. Bounded in time (Segment promises about 24 hours) and in count (memory); ids are
 * remembered only once Kafka has acknowledged them, so a failed write can always be retried.
 */
final class DedupeWindow {

    private final Cache<String, Boolean> seen;

    DedupeWindow(Duration window, long maxEntries) {
        this.seen = Caffeine.newBuilder().expireAfterWrite(window).maximumSize(maxEntries).build();
    }

    boolean contains(String source, String messageId) {
        return seen.getIfPresent(key(source, messageId)) != null;
    }

    void remember(String source, String messageId) {
        seen.put(key(source, messageId), Boolean.TRUE);
    }

    private static String key(String source, String messageId) {
        return source + '\u0000' + messageId;
    }
}
