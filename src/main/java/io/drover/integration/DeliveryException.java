package io.drover.integration;

/**
 * A vendor call that did not deliver, with what the vendor answered. {@link #retryable()} follows design.md's
 * classification; the consumer retries, or writes the events to the integration's dead-letter topic.
 */
public class DeliveryException extends RuntimeException {

    private final int status;
    private final String responseBody;
    private final boolean retryable;
    private final long retryAfterMillis;

    public DeliveryException(String message, int status, String responseBody, boolean retryable, long retryAfterMillis) {
        super(message);
        this.status = status;
        this.responseBody = responseBody;
        this.retryable = retryable;
        this.retryAfterMillis = retryAfterMillis;
    }

    /** The HTTP status, or 0 when there was no answer (network error, timeout). */
    public int status() {
        return status;
    }

    public String responseBody() {
        return responseBody;
    }

    public boolean retryable() {
        return retryable;
    }

    /** What the vendor asked for in {@code Retry-After}, in ms; -1 when it did not say. */
    public long retryAfterMillis() {
        return retryAfterMillis;
    }

    /**
     * Retry 5xx except 501 and 505, 408 and 429; every other status is final (a 4xx will fail the same way again).
     */
    public static boolean isRetryableStatus(int status) {
        return status == 408 || status == 429 || (status >= 500 && status != 501 && status != 505);
    }
}
