package io.drover.ingest;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;

/**
 * A WARN line per kind of event at most once per period, with how many were not logged since: a hostile client
 * must not be able to flood the log, and an operator still learns that it happens and how often.
 */
final class RateLimitedLog {

    private final Logger log;
    private final long periodNanos;
    private final Map<String, long[]> lastLogged = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> unlogged = new ConcurrentHashMap<>();

    RateLimitedLog(Logger log, Duration period) {
        this.log = log;
        this.periodNanos = period.toNanos();
    }

    /** Logs {@code format} (one {} for the message, one for the count of lines left out) for this kind, or counts it. */
    void warn(String kind, String format, String message) {
        long now = System.nanoTime();
        long[] last = lastLogged.computeIfAbsent(kind, k -> new long[] {now - periodNanos});
        AtomicLong skipped = unlogged.computeIfAbsent(kind, k -> new AtomicLong());
        synchronized (last) {
            if (now - last[0] < periodNanos) {
                skipped.incrementAndGet();
                return;
            }
            last[0] = now;
        }
        long left = skipped.getAndSet(0);
        log.warn(format + (left > 0 ? " ({} more like it since the last line)" : ""), message, left);
    }
}
