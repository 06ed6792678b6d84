package io.drover.destinations.api;

import java.time.Clock;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;

/**
 * What a request bean can say about single events of the batch it maps (exchange property {@link #PROPERTY}): one it
 * leaves out, a value it leaves out of one it sends, one it refuses for good; and what it may read: the clock of this
 * delivery and an event's JSON as Drover stored it. Drover's consumer puts its own batch here, which also keeps the
 * state of the delivery across attempts (io.drover.integration.BatchState); a bean run on its own (a test, a tool,
 * another Camel application) gets this plain one, which keeps the refusals and counts nothing.
 */
public class Batch {

    public static final String PROPERTY = "drover.batch";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Map<ObjectNode, String> refused = new IdentityHashMap<>();

    /** The batch of an exchange; a plain one when the bean runs outside Drover's consumer. */
    public static Batch of(Exchange exchange) {
        Batch b = exchange.getProperty(PROPERTY, Batch.class);
        if (b == null) {
            b = new Batch();
            exchange.setProperty(PROPERTY, b);
        }
        return b;
    }

    /**
     * An event the bean leaves out on purpose (not for this vendor, e.g. a purchase without a click id): counted as
     * {@code drover_integration_filtered_total{reason}}, like the selection's own reasons.
     */
    public void leftOut(String reason) {
    }

    /**
     * A value the bean leaves out of an event it still sends, rather than inventing one (a value without its
     * currency): counted as {@code drover_integration_omitted_total{reason}}.
     */
    public void omitted(String reason) {
    }

    /**
     * An event refused for good (too old, a required field missing, larger than a request may be): dead-lettered with
     * {@code reason}, which names the problem, and counted as {@code drover_integration_refused_total{reason=code}}.
     * The first refusal of an event wins.
     */
    public void refuse(ObjectNode event, String code, String reason) {
        refused.putIfAbsent(event, reason);
    }

    /** Why the event was refused for good, {@code null} when it was not. */
    public String rejectionReason(ObjectNode event) {
        return refused.get(event);
    }

    /** Events refused for good so far, with the reason (for tools: the module tester, golden files). */
    public Map<ObjectNode, String> rejectionReasons() {
        return Collections.unmodifiableMap(refused);
    }

    /** The clock of this delivery: the system's, or a fixed one when a module is tried on fixtures. */
    public Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * The event's JSON exactly as Drover stored it (its record's bytes), for a bean that sends events as they are
     * (the webhook): no second serialisation. Written from the tree when the bean runs outside Drover's consumer.
     */
    public byte[] storedJson(ObjectNode event) throws JsonProcessingException {
        return MAPPER.writeValueAsBytes(event);
    }
}
