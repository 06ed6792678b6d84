package io.drover.integration;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;

/**
 * What is known about one batch across its attempts (exchange property {@link #PROPERTY}): which events were
 * delivered, which were rejected and why, the last request sent. A retry sends only the events still open, so a batch
 * split into several requests does not send again what a vendor already took, and an event a vendor refused for good
 * is dead-lettered once, with its own reason.
 */
public final class Batch {

    public static final String PROPERTY = "drover.batch";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Set<ObjectNode> delivered = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<ObjectNode, Rejection> rejected = new IdentityHashMap<>();
    private final Map<ObjectNode, Deferral> deferred = new IdentityHashMap<>();
    private Map<ObjectNode, byte[]> storedJson;   // identity map; null outside Drover's consumer
    private List<ObjectNode> selected = List.of();
    /** The time the steps of this delivery read (a vendor's window, a sentAt): fixed by {@code drover module test}. */
    private java.time.Clock clock = java.time.Clock.systemUTC();
    private VendorRequest lastRequest;
    private Runnable beforeRequest = () -> { };
    private IntegrationMetrics metrics;

    /** The batch of an exchange; a new one when the route runs outside Drover's consumer (tests, another app). */
    public static Batch of(Exchange exchange) {
        Batch b = exchange.getProperty(PROPERTY, Batch.class);
        if (b == null) {
            b = new Batch();
            exchange.setProperty(PROPERTY, b);
        }
        return b;
    }

    /**
     * An event the request bean leaves out on purpose (not for this vendor, e.g. a purchase without a click id):
     * counted as {@code drover_integration_filtered_total{reason}}, like the selection's own reasons.
     */
    public void leftOut(String reason) {
        if (metrics != null) {
            metrics.filtered(reason);
        }
    }

    /**
     * A value the bean leaves out of an event it still sends, rather than inventing one (a value without its
     * currency): counted as {@code drover_integration_omitted_total{reason}}.
     */
    public void omitted(String reason) {
        if (metrics != null) {
            metrics.omitted(reason);
        }
    }

    /**
     * An event refused for good by one of the vendor's rules (too old, a required field missing): dead-lettered with
     * {@code reason} and counted as {@code drover_integration_refused_total{reason=code}}.
     */
    public void refuse(ObjectNode event, String code, String reason) {
        if (metrics != null && !rejected.containsKey(event)) {
            metrics.refused(code);
        }
        reject(event, reason);
    }

    void metrics(IntegrationMetrics metrics) {
        this.metrics = metrics;
    }

    /** Why an event is refused for good, and the request that carried it ({@code null}: never sent). */
    record Rejection(String reason, VendorRequest request) {
    }

    /** An event that cannot go to the vendor for good (untransformable): it will be dead-lettered with the reason. */
    public void reject(ObjectNode event, String reason) {
        reject(event, reason, null);
    }

    void reject(ObjectNode event, String reason, VendorRequest request) {
        rejected.putIfAbsent(event, new Rejection(reason, request));
    }

    /** When to send an event again that the vendor said came too early, and what it said. */
    record Deferral(long dueAtMillis, String reason) {
    }

    /** The vendor said this event came too early: it is sent again at {@code dueAtMillis}, through the retry topic. */
    void defer(ObjectNode event, long dueAtMillis, String reason) {
        if (!rejected.containsKey(event)) {
            deferred.putIfAbsent(event, new Deferral(dueAtMillis, reason));
        }
    }

    Map<ObjectNode, Deferral> deferred() {
        return deferred;
    }

    /** Why the event was refused for good, {@code null} when it was not (for the journeys). */
    public String rejectionReason(ObjectNode event) {
        Rejection r = rejected.get(event);
        return r == null ? null : r.reason();
    }

    /** Whether the vendor said the event came too early (it is sent again later). */
    public boolean isDeferred(ObjectNode event) {
        return deferred.containsKey(event);
    }

    public boolean isOpen(ObjectNode event) {
        return !delivered.contains(event) && !rejected.containsKey(event) && !deferred.containsKey(event);
    }

    void delivered(List<ObjectNode> events) {
        for (ObjectNode e : events) {
            if (!rejected.containsKey(e) && !deferred.containsKey(e)) {
                delivered.add(e);
            }
        }
    }

    int deliveredCount() {
        return delivered.size();
    }

    Map<ObjectNode, Rejection> rejected() {
        return rejected;
    }

    /** Events refused for good so far, with the reason (for tools: the playbook tester, golden files). */
    public Map<ObjectNode, String> rejectionReasons() {
        Map<ObjectNode, String> reasons = new IdentityHashMap<>();
        rejected.forEach((e, r) -> reasons.put(e, r.reason()));
        return reasons;
    }

    /** The clock of this delivery: the system's, or a fixed one when a module is tried on fixtures. */
    public java.time.Clock clock() {
        return clock;
    }

    void clock(java.time.Clock clock) {
        this.clock = clock;
    }

    /** The events this attempt selected: what a request bean's single body carries, less the rejected ones. */
    List<ObjectNode> selected() {
        return selected;
    }

    /** Recorded by the selection step (and by tools that run a request bean outside a route). */
    public void selected(List<ObjectNode> events) {
        this.selected = events;
    }

    /**
     * The event's JSON exactly as Drover stored it (its record's bytes), for a request bean that sends events as they
     * are (the webhook): no second serialisation. Written from the tree when the bean runs outside Drover's consumer
     * (tests, tools, another Camel application).
     */
    public byte[] storedJson(ObjectNode event) throws JsonProcessingException {
        byte[] json = storedJson == null ? null : storedJson.get(event);
        return json != null ? json : MAPPER.writeValueAsBytes(event);
    }

    void storedJson(Map<ObjectNode, byte[]> storedJson) {
        this.storedJson = storedJson;
    }

    VendorRequest lastRequest() {
        return lastRequest;
    }

    void lastRequest(VendorRequest request) {
        this.lastRequest = request;
    }

    /** Runs before each vendor call: the integration's rate limit. */
    void beforeRequest(Runnable hook) {
        this.beforeRequest = hook;
    }

    void beforeRequest() {
        beforeRequest.run();
    }
}
