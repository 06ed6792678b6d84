package io.drover.destinations.api;

import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads a vendor's answer to one {@link VendorRequest}, for vendors whose status does not tell the whole story: a 200
 * that reports failure (TikTok's {@code code}), or a 400 that names the bad events (Amplitude's
 * {@code events_with_invalid_fields}, Mixpanel's {@code failed_records}). It is called for every answer, whatever the
 * status. It returns a {@link Verdict}, or throws a {@link DeliveryException} to fail the whole request (retryable or
 * not, as the exception says).
 */
@FunctionalInterface
public interface ResponseReader {

    /** 2xx is delivered; anything else fails as design.md classifies it (with Retry-After). */
    ResponseReader STATUS = (status, body, retryAfterMillis, request) -> {
        if (status >= 200 && status < 300) {
            return Verdict.DELIVERED;
        }
        throw DeliveryException.answered(status, body, retryAfterMillis);
    };

    /**
     * @param status           the HTTP status
     * @param body             the answer's body (may be empty)
     * @param retryAfterMillis the vendor's {@code Retry-After} in ms, -1 when absent
     * @param request          the request answered
     */
    Verdict read(int status, String body, long retryAfterMillis, VendorRequest request);

    /**
     * What became of a request's events.
     *
     * @param rejected     events the vendor refused for good, with its reason: they go to the dead-letter topic
     * @param restAccepted whether the vendor took the other events; if not, they are sent again without the rejected
     *                     ones (Amplitude refuses the whole request when one event is invalid)
     * @param later        events the vendor said came too early, with when to send them again and its words: they go
     *                     to the integration's retry topic and are sent again then (io.drover.integration.RetryLater)
     */
    record Verdict(Map<ObjectNode, String> rejected, boolean restAccepted, Map<ObjectNode, Later> later) {

        public static final Verdict DELIVERED = new Verdict(Map.of(), true, Map.of());

        public Verdict {
            rejected = java.util.Collections.unmodifiableMap(new java.util.IdentityHashMap<>(rejected));
            later = java.util.Collections.unmodifiableMap(new java.util.IdentityHashMap<>(later));
        }

        public static Verdict partial(Map<ObjectNode, String> rejected, boolean restAccepted) {
            return new Verdict(rejected, restAccepted, Map.of());
        }

        /** Some events refused for good, some to be sent again later; the vendor took the others. */
        public static Verdict partial(Map<ObjectNode, String> rejected, Map<ObjectNode, Later> later) {
            return new Verdict(rejected, true, later);
        }
    }

    /** The vendor's "too early": send the event again in {@code afterMillis}; {@code reason} is what it said. */
    record Later(long afterMillis, String reason) {
    }
}
