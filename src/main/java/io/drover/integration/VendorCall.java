package io.drover.integration;

import java.net.UnknownHostException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.DeliveryException;

/**
 * The shared parts of a vendor call around camel-http: refuse private targets (SSRF), remember the request for dead
 * letters, and turn the vendor's answer into success or a classified {@link DeliveryException}.
 */
public final class VendorCall {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private VendorCall() {
    }

    /**
     * Refuses a request URL whose host {@link TargetGuard} refuses (private, loopback, link-local, every IANA
     * special-purpose block, ambiguous numeric forms) unless private targets are allowed: a module's URL (a webhook's
     * especially) must not reach into the network Drover runs in. Not retried; an unknown host is.
     */
    public static void checkTarget(String url, TargetGuard guard) {
        try {
            guard.check("the request URL", url);
        } catch (TargetGuard.Refused e) {
            throw new DeliveryException(e.getMessage(), 0, null, false, -1);
        } catch (UnknownHostException e) {
            throw new DeliveryException("unknown host " + e.getMessage(), 0, null, true, -1);
        }
    }

    /** {@link #checkTarget(String, TargetGuard)} with a guard of its own. */
    public static void checkTarget(String url, boolean allowPrivate) {
        checkTarget(url, new TargetGuard(allowPrivate));
    }

    /** Keeps what was sent, for the dead-letter record; secrets are masked, in the URL and in the body. */
    static ObjectNode describeRequest(String method, String url, String body) {
        body = redact(body);
        ObjectNode request = MAPPER.createObjectNode().put("method", method).put("url", redact(url));
        try {
            request.set("body", MAPPER.readTree(body));
        } catch (Exception e) {
            request.put("body", body);
        }
        return request;
    }

    /** Retry-After in seconds or as an HTTP date; -1 when absent or unreadable. */
    public static long retryAfterMillis(String value) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        try {
            return Math.max(0, Long.parseLong(value.trim()) * 1000);
        } catch (NumberFormatException e) {
            try {
                long at = java.time.ZonedDateTime.parse(value.trim(), java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant().toEpochMilli();
                return Math.max(0, at - System.currentTimeMillis());
            } catch (RuntimeException e2) {
                return -1;
            }
        }
    }

    /** Secrets masked (the one place that does it: {@link io.drover.support.Redactor}). */
    static String redact(String url) {
        return io.drover.support.Redactor.redact(url);
    }
}
