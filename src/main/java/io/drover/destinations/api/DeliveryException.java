package io.drover.destinations.api;

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
     * A vendor's answer that did not deliver, classified as design.md says (retry 5xx but 501 and 505, 408 and 429),
     * with the vendor's body kept (its first 4,000 characters).
     */
    public static DeliveryException answered(int status, String body, long retryAfterMillis) {
        if (body != null && body.length() > 4000) {
            body = body.substring(0, 4000) + "...";
        }
        return new DeliveryException("the vendor answered HTTP " + status, status, body, isRetryableStatus(status),
                retryAfterMillis);
    }

    /**
     * Retry 5xx except 501 and 505, 408 and 429; every other status is final (a 4xx will fail the same way again).
     */
    public static boolean isRetryableStatus(int status) {
        return status == 408 || status == 429 || (status >= 500 && status != 501 && status != 505);
    }
}
