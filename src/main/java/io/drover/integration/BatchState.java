package io.drover.integration;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.Batch;
import io.drover.destinations.api.VendorRequest;
import org.apache.camel.Exchange;

/**
 * The engine's side of a {@link Batch}: what is known about one batch across its attempts (which events were
 * delivered, which were refused and by which request, which come again later, the last request sent). A retry sends
 * only the events still open, so a batch split into several requests does not send again what a vendor already took,
 * and an event a vendor refused for good is dead-lettered once, with its own reason. Request beans see only
 * {@link Batch}; this class counts what they report in the integration's metrics.
 */
public final class BatchState extends Batch {

    private final Set<ObjectNode> delivered = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Per event, the requests of this attempt carrying it that have not succeeded yet ({@link #sending}). */
    private final Map<ObjectNode, Integer> carriedBy = new IdentityHashMap<>();
    private final Map<ObjectNode, Rejection> rejected = new IdentityHashMap<>();
    private final Map<ObjectNode, Deferral> deferred = new IdentityHashMap<>();
    private Map<ObjectNode, byte[]> storedJson;   // identity map; null outside Drover's consumer
    private List<ObjectNode> selected = List.of();
    /** The time the steps of this delivery read (a vendor's window, a sentAt): fixed by {@code drover module test}. */
    private java.time.Clock clock = java.time.Clock.systemUTC();
    private VendorRequest lastRequest;
    private Runnable beforeRequest = () -> { };
    private IntegrationMetrics metrics;

    /**
     * The state of an exchange's batch; a new one when the route runs outside Drover's consumer (tests, another app).
     * A plain {@link Batch} a bean was given on its own is taken over with its refusals.
     */
    public static BatchState of(Exchange exchange) {
        Batch b = exchange.getProperty(PROPERTY, Batch.class);
        if (b instanceof BatchState s) {
            return s;
        }
        BatchState s = new BatchState();
        if (b != null) {
            b.rejectionReasons().forEach((event, reason) -> s.reject(event, reason, null));
        }
        exchange.setProperty(PROPERTY, s);
        return s;
    }

    @Override
    public void leftOut(String reason) {
        if (metrics != null) {
            metrics.filtered(reason);
        }
    }

    @Override
    public void omitted(String reason) {
        if (metrics != null) {
            metrics.omitted(reason);
        }
    }

    @Override
    public void refuse(ObjectNode event, String code, String reason) {
        if (metrics != null && !rejected.containsKey(event)) {
            metrics.refused(code);
        }
        reject(event, reason, null);
    }

    void metrics(IntegrationMetrics metrics) {
        this.metrics = metrics;
    }

    /** Why an event is refused for good, and the request that carried it ({@code null}: never sent). */
    record Rejection(String reason, VendorRequest request) {
    }

    /** Refused for good by the vendor's answer to {@code request} (or by a bean, {@code request} null). */
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

    @Override
    public String rejectionReason(ObjectNode event) {
        Rejection r = rejected.get(event);
        return r == null ? null : r.reason();
    }

    @Override
    public Map<ObjectNode, String> rejectionReasons() {
        Map<ObjectNode, String> reasons = new IdentityHashMap<>();
        rejected.forEach((e, r) -> reasons.put(e, r.reason()));
        return reasons;
    }

    /** Whether the vendor said the event came too early (it is sent again later). */
    public boolean isDeferred(ObjectNode event) {
        return deferred.containsKey(event);
    }

    public boolean isOpen(ObjectNode event) {
        return !delivered.contains(event) && !rejected.containsKey(event) && !deferred.containsKey(event);
    }

    /**
     * The requests of this attempt: an event carried by several (Braze's track request and its alias merge) is
     * delivered once all of them succeeded, so that a retry sends again each call it still needs.
     */
    void sending(List<VendorRequest> requests) {
        carriedBy.clear();
        for (VendorRequest r : requests) {
            for (ObjectNode e : r.events()) {
                carriedBy.merge(e, 1, Integer::sum);
            }
        }
    }

    /** A request carrying these events succeeded: each is delivered when it was the last of its requests. */
    void delivered(List<ObjectNode> events) {
        for (ObjectNode e : events) {
            if (!rejected.containsKey(e) && !deferred.containsKey(e)) {
                Integer left = carriedBy.computeIfPresent(e, (k, n) -> n - 1);
                if (left == null || left <= 0) {
                    carriedBy.remove(e);
                    delivered.add(e);
                }
            }
        }
    }

    int deliveredCount() {
        return delivered.size();
    }

    Map<ObjectNode, Rejection> rejected() {
        return rejected;
    }

    @Override
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

    @Override
    public byte[] storedJson(ObjectNode event) throws JsonProcessingException {
        byte[] json = storedJson == null ? null : storedJson.get(event);
        return json != null ? json : super.storedJson(event);
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
