package io.drover.integration;

/**
 * What an integration's consumer holds until it is due (the module's {@code delay}, or a vendor's "too early"):
 * how many events, and how long the oldest of them has waited, in seconds.
 */
public record HeldEvents(long events, double oldestSeconds) {

    public static final HeldEvents NONE = new HeldEvents(0, 0);
}
