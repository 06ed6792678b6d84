package io.drover.buffer;

/**
 * Why the buffer cannot take events now (it is starting, Kafka is unreachable, the disk is at its floor): the
 * ingestion API answers 503 with {@code Retry-After} and this code and message, which name the cause and never hold
 * a secret.
 */
public final class BufferUnavailable extends RuntimeException {

    private final String code;
    private final int retryAfterSeconds;

    public BufferUnavailable(String code, String message, int retryAfterSeconds) {
        super(message, null, false, false);
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public String code() {
        return code;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
