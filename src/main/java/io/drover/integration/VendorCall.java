package io.drover.integration;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;

/**
 * The shared parts of a vendor call around camel-http: refuse private targets (SSRF), remember the request for dead
 * letters, and turn the vendor's answer into success or a classified {@link DeliveryException}.
 */
public final class VendorCall {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private VendorCall() {
    }

    /**
     * Refuses loopback, private, link-local and unspecified addresses unless allowed: a module's URL (a webhook's
     * especially) must not reach into the network Drover runs in.
     */
    public static void checkTarget(String url, boolean allowPrivate) {
        if (allowPrivate) {
            return;
        }
        String host = URI.create(url).getHost();
        if (host == null) {
            throw new DeliveryException("the endpoint " + redact(url) + " has no host", 0, null, false, -1);
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (isPrivate(address)) {
                    throw new DeliveryException("the endpoint host " + host + " is a private, loopback or link-local"
                            + " address (" + address.getHostAddress() + "); set drover.delivery.allow-private-targets=true"
                            + " to allow it", 0, null, false, -1);
                }
            }
        } catch (UnknownHostException e) {
            throw new DeliveryException("unknown host " + host, 0, null, true, -1);
        }
    }

    static boolean isPrivate(InetAddress a) {
        byte[] b = a.getAddress();
        boolean uniqueLocalV6 = b.length == 16 && (b[0] & 0xfe) == 0xfc;
        boolean carrierGradeNat = b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
        return a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress() || uniqueLocalV6 || carrierGradeNat;
    }

    /** Keeps what was sent, for the dead-letter record; secrets in the query string are masked. */
    static ObjectNode describeRequest(String method, String url, String body) {
        ObjectNode request = MAPPER.createObjectNode().put("method", method).put("url", redact(url));
        try {
            request.set("body", MAPPER.readTree(body));
        } catch (Exception e) {
            request.put("body", body);
        }
        return request;
    }

    /** A failed answer classified as design.md says: retry 5xx but 501/505, 408 and 429; the vendor's body kept. */
    public static DeliveryException failure(int status, String body, long retryAfterMillis) {
        if (body != null && body.length() > 4000) {
            body = body.substring(0, 4000) + "...";
        }
        return new DeliveryException("the vendor answered HTTP " + status, status, body,
                DeliveryException.isRetryableStatus(status), retryAfterMillis);
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

    static String redact(String url) {
        return url.replaceAll("(?i)([?&][^=&]*(secret|token|key|password|signature)[^=&]*=)[^&]*", "$1xxxxxx");
    }
}
