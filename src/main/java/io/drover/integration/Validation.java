package io.drover.integration;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.VendorRequest;
import io.drover.support.Redactor;

/**
 * A module's request sent to its vendor's validation endpoint, where the vendor has one: GA4's
 * {@code /debug/mp/collect} on the same host (records nothing, answers {@code validationMessages}), and Meta's events
 * endpoint with {@code test_event_code} (shown in Events Manager's Test events tab, not counted). The one
 * implementation behind {@code drover module test --send} and the console playground's validate button.
 */
public final class Validation {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Meta's Graph API path: {@code /v<major>.<minor>/<pixel id>/events}. */
    private static final Pattern META_EVENTS = Pattern.compile("/v\\d+\\.\\d+/[^/]+/events");

    private Validation() {
    }

    /** The vendors that have a validation endpoint. */
    public enum Vendor { GA4, META }

    /** A request this cannot validate, or a value it needs: {@code parameter} names what to fix. */
    public static final class Unsupported extends IllegalArgumentException {
        private final String parameter;

        Unsupported(String parameter, String message) {
            super(message);
            this.parameter = parameter;
        }

        public String parameter() {
            return parameter;
        }
    }

    /** The vendor's answer: the URL it was sent to and the body, secrets masked. */
    public record Answer(Vendor vendor, String url, int status, String body) {

        /**
         * What the vendor says is wrong, one line each: GA4's {@code validationMessages} ("code field: description"),
         * Meta's {@code error.message}; empty when it found nothing wrong.
         */
        public java.util.List<String> problems() {
            java.util.List<String> problems = new java.util.ArrayList<>();
            JsonNode answer;
            try {
                answer = MAPPER.readTree(body == null || body.isBlank() ? "{}" : body);
            } catch (IOException e) {
                answer = MAPPER.createObjectNode();
            }
            for (JsonNode m : answer.path("validationMessages")) {
                problems.add(m.path("validationCode").asText("?") + " " + m.path("fieldPath").asText("") + ": "
                        + m.path("description").asText(""));
            }
            if (answer.path("error").isObject()) {
                problems.add(answer.path("error").path("message").asText("error"));
            }
            if (problems.isEmpty() && (status < 200 || status >= 300)) {
                problems.add("HTTP " + status);
            }
            return problems;
        }
    }

    /** The vendor whose validation endpoint takes this request; {@code null} when it has none. */
    public static Vendor vendorOf(VendorRequest request) {
        String path = URI.create(request.url()).getPath();
        if (path.endsWith("/mp/collect")) {
            return Vendor.GA4;
        }
        return META_EVENTS.matcher(path).find() ? Vendor.META : null;
    }

    /**
     * The request as the validation endpoint takes it: GA4's path prefixed with {@code /debug} (as it is when the
     * module already sends there); Meta's body with {@code test_event_code}, the one given here, else the one the
     * module set ({@code meta.test-event-code}).
     *
     * @throws Unsupported the vendor has no validation endpoint, or Meta has no test event code
     */
    public static VendorRequest of(VendorRequest request, String testEventCode) throws IOException {
        Vendor vendor = vendorOf(request);
        if (vendor == Vendor.GA4) {
            URI u = URI.create(request.url());
            String path = u.getRawPath();
            String debug = path.startsWith("/debug/") ? path : "/debug" + path;
            String url = u.getScheme() + "://" + u.getRawAuthority() + debug
                    + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
            return request.withUrl(url);
        }
        if (vendor == Vendor.META) {
            ObjectNode body = (ObjectNode) MAPPER.readTree(request.body());
            if (testEventCode != null && !testEventCode.isBlank()) {
                body.put("test_event_code", testEventCode.trim());
            } else if (!body.path("test_event_code").isTextual()) {
                throw new Unsupported("testEventCode", "Meta validates with a Test Events code (Events Manager, Test"
                        + " events): give it, or set meta.test-event-code");
            }
            return new VendorRequest(request.method(), request.url(), request.headers(), MAPPER.writeValueAsString(body),
                    request.events(), request.reader());
        }
        throw new Unsupported("module", "this vendor has no validation endpoint (GA4 and Meta have one)");
    }

    /**
     * Sends the request to the validation endpoint ({@link #of}), its URL checked by {@code guard} first, and returns
     * the vendor's answer whatever its status.
     */
    public static Answer send(VendorRequest request, String testEventCode, TargetGuard guard)
            throws IOException, InterruptedException {
        VendorRequest v = of(request, testEventCode);
        VendorCall.checkTarget(v.url(), guard);
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(v.url())).timeout(TIMEOUT)
                .method(v.method() == null ? "POST" : v.method(),
                        HttpRequest.BodyPublishers.ofString(v.body() == null ? "" : v.body()));
        v.headers().forEach((k, value) -> {
            if (!k.equalsIgnoreCase("content-length") && !k.equalsIgnoreCase("host")) {
                req.header(k, value);
            }
        });
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        HttpResponse<String> answer = client.send(req.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(vendorOf(v), Redactor.redact(v.url()), answer.statusCode(), Redactor.redact(answer.body()));
    }
}
