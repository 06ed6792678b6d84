package io.drover.ingest;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Ingestion counters, exported with Camel's metrics (Prometheus format on the admin port). */
final class IngestMetrics {

    private final MeterRegistry registry;
    private final Counter clientMetrics;
    private final Counter identityOffLoop;

    IngestMetrics(MeterRegistry registry) {
        this.registry = registry != null ? registry : new SimpleMeterRegistry();
        this.clientMetrics = Counter.builder("drover.ingest.client.metrics")
                .description("analytics.js client metric posts received on /v1/m").register(this.registry);
        this.identityOffLoop = Counter.builder("drover.identity.lookups.off.loop")
                .description("Requests whose identity lookups needed the disk, so ran on a worker thread instead of"
                        + " the event loop").register(this.registry);
    }

    /** A request whose identity work went to a worker thread (a lookup needed the disk). */
    void identityOffLoop() {
        identityOffLoop.increment();
    }

    /** One answered request, by endpoint and HTTP status, and its time from headers read to answer written. */
    void request(String endpoint, int status, long nanos) {
        Counter.builder("drover.ingest.requests").description("Ingestion requests answered")
                .tag("endpoint", endpoint).tag("status", String.valueOf(status)).register(registry).increment();
        // One timer per endpoint, built once: building one (its histogram's configuration) on every request was work
        // on the hot path.
        requestTimers.computeIfAbsent(endpoint, e -> Timer.builder("drover.ingest.request")
                        .description("From a request's headers to its answer (the buffer's acknowledgement included)")
                        .tag("endpoint", e).serviceLevelObjectives(LATENCY_BUCKETS).register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** By endpoint (a closed set of names). */
    private final java.util.Map<String, Timer> requestTimers = new java.util.concurrent.ConcurrentHashMap<>();

    /** Histogram buckets of the ingestion latency (Prometheus: _bucket series for percentiles and SLOs). */
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5)};

    /** Messages of a source: stored, or dropped as duplicates of a recent messageId. */
    void events(String source, String outcome, int count) {
        Counter.builder("drover.ingest.events").description("Messages accepted by the ingestion API")
                .tag("source", source).tag("outcome", outcome).register(registry).increment(count);
    }

    /** A CORS pre-flight refused, by reason (origin, headers). */
    void preflightRefused(String reason) {
        Counter.builder("drover.ingest.preflight.refused").description("CORS pre-flights refused")
                .tag("reason", reason).register(registry).increment();
    }

    /**
     * A browser source's message whose userId the identity store did not believe: no userHash ({@code missing}) or
     * not the right one ({@code wrong}; many of these: a misconfigured secret, or someone claiming others' userIds).
     */
    void unverifiedUserId(String source, String reason) {
        Counter.builder("drover.identity.unverified.user.ids")
                .description("Browser messages whose userId was not verified, so not linked nor looked up")
                .tag("source", source).tag("reason", reason).register(registry).increment();
    }

    void clientMetrics() {
        clientMetrics.increment();
    }

    double clientMetricsCount() {
        return clientMetrics.count();
    }
}
