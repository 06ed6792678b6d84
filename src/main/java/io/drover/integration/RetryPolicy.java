package io.drover.integration;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to try a failed delivery again: exponential backoff with full jitter, a vendor's {@code Retry-After} honoured
 * (capped by the maximum delay), and giving up only when BOTH the attempt count and the time window are spent
 * (RudderStack: 3 attempts and 180 min; a burst of quick failures must not exhaust an hour's window, nor a single slow
 * attempt exhaust the count).
 */
public record RetryPolicy(int maxAttempts, Duration window, Duration initialDelay, Duration maxDelay) {

    public static final RetryPolicy DEFAULT =
            new RetryPolicy(10, Duration.ofHours(3), Duration.ofSeconds(1), Duration.ofMinutes(5));

    /** Whether another attempt may be made after {@code attempts} attempts, the first at {@code firstAttemptMillis}. */
    public boolean allowsAnother(int attempts, long firstAttemptMillis, long nowMillis) {
        return attempts < maxAttempts || nowMillis - firstAttemptMillis < window.toMillis();
    }

    /** The wait before attempt {@code attempts + 1}. */
    public long delayMillis(int attempts, long retryAfterMillis) {
        long max = maxDelay.toMillis();
        if (retryAfterMillis >= 0) {
            return Math.min(retryAfterMillis, max);
        }
        long exponential = initialDelay.toMillis() << Math.min(attempts - 1, 30);
        long ceiling = Math.max(1, Math.min(exponential, max));
        // Full jitter: spread the retries of many instances instead of synchronising them.
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }
}
