package io.drover.integration;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.support.CamelContextHelper;

/**
 * Per-integration counters in Camel's metrics registry (Prometheus on the admin port): events read, delivered,
 * filtered out, dead-lettered, attempts retried, failed dead-letter writes, and how long a batch took from its first attempt to its end.
 */
final class IntegrationMetrics {

    private final MeterRegistry registry;
    private final String integration;
    private final Counter received;
    private final Counter delivered;
    private final Counter deadLettered;
    private final Counter retried;
    private final Counter deadLetterWriteFailures;
    private final Counter deferred;
    private final Timer delivery;

    IntegrationMetrics(CamelContext context, String integration) {
        MeterRegistry found = CamelContextHelper.findSingleByType(context, MeterRegistry.class);
        this.registry = found != null ? found : new SimpleMeterRegistry();
        this.integration = integration;
        this.received = counter("drover.integration.received", "Events read from the topic");
        this.delivered = counter("drover.integration.delivered", "Events delivered to the vendor");
        this.deadLettered = counter("drover.integration.dead.lettered", "Events written to the dead-letter topic");
        this.retried = counter("drover.integration.retries", "Vendor calls retried");
        this.deadLetterWriteFailures = counter("drover.integration.dead.letter.write.failures",
                "Failed writes to the dead-letter topic (each is tried again; the events are not sent again)");
        this.deferred = counter("drover.integration.deferred",
                "Events the vendor said came too early, to be sent again at the time it named");
        this.delivery = Timer.builder("drover.integration.delivery").description("From a batch's first attempt to its end")
                .tag("integration", integration).serviceLevelObjectives(DELIVERY_BUCKETS).register(registry);
    }

    /** Histogram buckets of the delivery time (Prometheus: _bucket series for percentiles and SLOs). */
    private static final java.time.Duration[] DELIVERY_BUCKETS = {java.time.Duration.ofMillis(10),
            java.time.Duration.ofMillis(25), java.time.Duration.ofMillis(50), java.time.Duration.ofMillis(100),
            java.time.Duration.ofMillis(250), java.time.Duration.ofMillis(500), java.time.Duration.ofSeconds(1),
            java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(10),
            java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(60)};

    private Counter counter(String name, String description) {
        return Counter.builder(name).description(description).tag("integration", integration).register(registry);
    }

    /**
     * Consumer lag: the largest number of events of a partition not yet read by this integration (Kafka's
     * {@code records-lag-max}), so a vendor falling behind shows before its events get old.
     */
    void lag(org.apache.kafka.common.Metric recordsLagMax) {
        io.micrometer.core.instrument.Gauge.builder("drover.integration.lag", recordsLagMax, m -> {
                    Object v = m.metricValue();
                    return v instanceof Number n && !Double.isNaN(n.doubleValue()) && !Double.isInfinite(n.doubleValue())
                            ? n.doubleValue() : 0;
                }).description("Largest number of events of a partition not yet read by the integration")
                .tag("integration", integration).register(registry);
    }

    /** Removes this integration's gauge (its consumer is gone; counters stay, as Prometheus expects). */
    void close() {
        for (String gauge : new String[] {"drover.integration.lag", "drover.integration.held",
            "drover.integration.held.oldest.seconds"}) {
            registry.find(gauge).tag("integration", integration).meters().forEach(registry::remove);
        }
    }

    void received(int n) {
        received.increment(n);
    }

    void delivered(int n, long startedMillis) {
        delivered.increment(n);
        delivery.record(System.currentTimeMillis() - startedMillis, TimeUnit.MILLISECONDS);
    }

    void deadLettered(int n) {
        deadLettered.increment(n);
    }

    void retried() {
        retried.increment();
    }

    void deadLetterWriteFailed() {
        deadLetterWriteFailures.increment();
    }

    /** Events refused for good by one of the vendor's rules, by reason (too_old, missing_field, ...). */
    void refused(String reason) {
        Counter.builder("drover.integration.refused").description("Events refused by a vendor rule, by reason")
                .tag("integration", integration).tag("reason", reason).register(registry).increment();
    }

    /** Values left out of events that were sent, rather than invented, by reason (no_currency, ...). */
    void omitted(String reason) {
        Counter.builder("drover.integration.omitted").description("Values left out of events sent, by reason")
                .tag("integration", integration).tag("reason", reason).register(registry).increment();
    }

    /** Events the vendor said came too early, put on the retry topic to be sent at the time it named. */
    void deferred(int n) {
        deferred.increment(n);
    }

    /**
     * Events held (not yet due: the module's delay, or a vendor's "too early"), and how long the oldest has waited;
     * written by the consumer's thread, read by the scrape.
     */
    void held(java.util.function.Supplier<HeldEvents> held) {
        // Strong references: a gauge keeps its object weakly, and the supplier (a method reference made here) was
        // collected by the first GC, after which the gauge read NaN. The meters go when the integration stops.
        io.micrometer.core.instrument.Gauge.builder("drover.integration.held", held, h -> h.get().events())
                .description("Events held until they are due (the module's delay, a vendor's retry time)")
                .tag("integration", integration).strongReference(true).register(registry);
        io.micrometer.core.instrument.Gauge.builder("drover.integration.held.oldest.seconds", held,
                        h -> h.get().oldestSeconds())
                .description("How long the oldest held event has waited")
                .tag("integration", integration).strongReference(true).register(registry);
    }

    /** Events this integration does not take, by reason (type, event_name, integrations_object, consent, filter). */
    void filtered(String reason) {
        Counter.builder("drover.integration.filtered").description("Events not selected, by reason")
                .tag("integration", integration).tag("reason", reason).register(registry).increment();
    }
}
