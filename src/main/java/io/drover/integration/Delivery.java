package io.drover.integration;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.DeliveryException;
import io.drover.destinations.api.ResponseReader;
import io.drover.destinations.api.VendorRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The steps around every vendor call, registered as the processors {@code droverRequests}, {@code droverPrepare},
 * {@code droverCheck} and {@code droverSent} for the route templates:
 * {@link #requests} turns what the module's request bean made into a list of {@link VendorRequest}s; for each,
 * {@link #prepare} refuses URLs the {@link TargetGuard} refuses, strips inbound HTTP headers and sets URL, method,
 * headers and body;
 * {@link #check} reads the answer with the request's {@link ResponseReader} and records what was delivered.
 */
public class Delivery {

    private static final String REQUEST = "drover.vendorRequest";
    /** Exchange properties the template sets before {@link #requests(Exchange)}: the module's endpoint and method. */
    public static final String ENDPOINT = "drover.endpoint";
    public static final String METHOD = "drover.method";
    /**
     * Exchange property: when set (to a list), the requests the module made are added to it instead of being sent
     * (the console's playground runs a module's real steps on an event this way).
     */
    public static final String DRY_RUN = "drover.dryRun";

    private final TargetGuard guard;

    public Delivery(TargetGuard guard) {
        this.guard = guard;
    }

    /**
     * The request bean leaves either one body (a String: one request to the module's endpoint, with the headers it
     * set, carrying every selected event it did not reject), a {@link VendorRequest}, or a list of them.
     */
    public void requests(Exchange exchange) {
        requests(exchange, exchange.getProperty(ENDPOINT, String.class), exchange.getProperty(METHOD, String.class));
    }

    @SuppressWarnings("unchecked")
    public void requests(Exchange exchange, String endpoint, String method) {
        Message m = exchange.getMessage();
        Object body = m.getBody();
        BatchState batch = BatchState.of(exchange);
        List<VendorRequest> made = new ArrayList<>();
        if (body instanceof VendorRequest r) {
            made.add(r);
        } else if (body instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof VendorRequest r)) {
                    throw new IllegalStateException("the request bean returned a list holding a "
                            + (o == null ? "null" : o.getClass().getSimpleName()) + ", not VendorRequests");
                }
                made.add(r);
            }
        } else if (body != null) {
            Map<String, String> headers = new LinkedHashMap<>();
            m.getHeaders().forEach((k, v) -> {
                if (!k.startsWith("Camel") && !k.startsWith("camel") && v != null) {
                    headers.put(k, v.toString());
                }
            });
            List<ObjectNode> events = batch.selected().stream().filter(batch::isOpen).toList();
            made.add(new VendorRequest(method, endpoint, headers, m.getBody(String.class), events, null));
        }
        List<VendorRequest> complete = new ArrayList<>(made.size());
        for (VendorRequest r : made) {
            VendorRequest c = r;
            if (c.url() == null) {
                c = c.withUrl(endpoint);
            }
            if (c.method() == null) {
                c = c.withMethod(method);
            }
            complete.add(c);
        }
        if (exchange.getProperty(DRY_RUN) instanceof List<?> dry) {
            ((List<Object>) dry).addAll(complete);
            m.setBody(List.of());
            return;
        }
        batch.sending(complete);
        m.setBody(complete);
    }

    public void prepare(Exchange exchange) {
        VendorRequest r = exchange.getMessage().getBody(VendorRequest.class);
        exchange.setProperty(REQUEST, r);
        BatchState batch = BatchState.of(exchange);
        batch.beforeRequest();
        VendorCall.checkTarget(r.url(), guard);
        Message m = exchange.getMessage();
        // Headers of the request that brought the event must never shape the vendor call (Invalid url: /v1/track/v1/track).
        m.removeHeaders("CamelHttp*");
        URI uri = URI.create(r.url());
        String query = uri.getRawQuery();
        String base = query == null ? r.url() : r.url().substring(0, r.url().indexOf('?'));
        m.setHeader(Exchange.HTTP_URI, base);
        if (query != null) {
            // As given: camel-http would otherwise take the module endpoint's query, or encode this one again.
            m.setHeader(Exchange.HTTP_QUERY, query);
        }
        m.setHeader(Exchange.HTTP_METHOD, r.method());
        r.headers().forEach(m::setHeader);
        m.setBody(r.body());
        io.drover.journey.Recorder.of(exchange).sending(r.method(), r.url(), r.headers(), r.body(), r.events());
        // Described (parsed, secrets masked) only if it ends in a dead letter: not for every call.
        batch.lastRequest(r);
    }

    /**
     * The delivery that is not an HTTP call (the Kafka sink's template): its step returned, so every selected event
     * still open was taken; they count as delivered (metrics, and a retry would not send them again).
     */
    public void sent(Exchange exchange) {
        BatchState batch = BatchState.of(exchange);
        List<ObjectNode> sent = batch.selected().stream().filter(batch::isOpen).toList();
        io.drover.journey.Recorder.of(exchange).sending("KAFKA", "(the module's topic)", Map.of(), null, sent);
        batch.delivered(sent);
    }

    public void check(Exchange exchange) {
        VendorRequest r = exchange.getProperty(REQUEST, VendorRequest.class);
        Message m = exchange.getMessage();
        Integer status = m.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String body = m.getBody(String.class);
        io.drover.journey.Recorder.of(exchange).answered(status == null ? 0 : status, body);
        long retryAfter = VendorCall.retryAfterMillis(m.getHeader("Retry-After", String.class));
        ResponseReader.Verdict verdict = r.reader().read(status == null ? 0 : status, body == null ? "" : body,
                retryAfter, r);
        BatchState batch = BatchState.of(exchange);
        VendorRequest sent = batch.lastRequest();
        verdict.rejected().forEach((event, reason) -> batch.reject(event, reason, sent));
        long now = System.currentTimeMillis();
        verdict.later().forEach((event, later) -> batch.defer(event, now + later.afterMillis(), later.reason()));
        if (!verdict.restAccepted()) {
            // The vendor refused the request because of some of its events: send the others again, without them.
            throw new DeliveryException("the vendor refused " + verdict.rejected().size() + " of " + r.events().size()
                    + " events and took none; sending the others again", status == null ? 0 : status, body, true, 0);
        }
        batch.delivered(r.events());
    }
}
